"""The decision loop end to end, through the CLI: evidence -> problem -> bets -> proposal ->
decision -> ship post -> portfolio, with every published number re-run from its query."""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta

import duckdb
import numpy as np
import pytest
from PIL import Image
from statsmodels.stats.proportion import confint_proportions_2indep

from tests.artifacts.tinyproduct import LAUNCH, METRIC, RATE_AFTER, RATE_BEFORE

WEEKS = 3


def _events_sql(ws) -> str:  # type: ignore[no-untyped-def]
    return "read_parquet([" + ", ".join(f"'{f}'" for f in ws.lake.files()) + "])"


def _independent_conversion(ws, start, end) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Users whose first signup is in [start, end) and who onboard within two days."""
    sql = f"""
        WITH ev AS (SELECT * FROM {_events_sql(ws)}),
        first_signup AS (
            SELECT distinct_id, min(timestamp) AS t FROM ev WHERE event = 'signup'
            GROUP BY distinct_id)
        SELECT count(*) AS users,
               count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM ev o WHERE o.distinct_id = s.distinct_id
                   AND o.event = 'onboarding_completed'
                   AND o.timestamp BETWEEN s.t AND s.t + INTERVAL 48 HOUR
                   AND o.timestamp <> s.t + INTERVAL 48 HOUR)) AS converted
        FROM first_signup s
        WHERE s.t >= '{start.isoformat()}'::TIMESTAMPTZ AND s.t < '{end.isoformat()}'::TIMESTAMPTZ
    """
    users, converted = duckdb.sql(sql).fetchall()[0]
    return int(users), int(converted)


def _has_ink(png) -> bool:  # type: ignore[no-untyped-def]
    pixels = np.asarray(Image.open(png).convert("L"))
    return pixels.shape[0] > 500 and (pixels < 128).mean() > 0.002


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_decision_loop_end_to_end(ws, needle, tmp_path) -> None:
    # evidence -> problem: two pieces are not enough to leave draft, three are
    needle("problem", "new", "New users stall in onboarding", "--statement",
           "Half of new users never finish onboarding.", "-e", "1", "-e", "2")
    before = needle.json("problem", "show", "1")
    refused = needle("problem", "edit", "1", "--status", "open", "--title", "x", ok=False)
    assert refused.stderr.count("\n") == 1 and "has 2 pieces of evidence" in refused.stderr
    assert needle.json("problem", "show", "1")["history"] == before["history"]
    needle("problem", "link", "1", "evidence:3", f"query:{METRIC}")
    needle("problem", "edit", "1", "--status", "open")
    problem = needle.json("problem", "show", "1")
    assert (problem["status"], problem["title"]) == ("open", before["title"])

    # two bets ranked, reach computed from data
    needle("bet", "new", "Guided onboarding", "--problem", "1", "--impact", "2", "--effort", "3")
    needle("bet", "new", "Reminder e-mails", "--problem", "1", "--impact", "1", "--effort", "2",
           "--confidence", "0.5", "--confidence-reason", "untested channel")
    ranked = needle.json("bet", "rank")
    assert [r["title"] for r in ranked] == ["Guided onboarding", "Reminder e-mails"]
    assert "confidence set by hand (untested channel)" in ranked[1]["why"]

    # proposal with its baseline measured as it stood before launch; approval locks it
    needle("proposal", "new", "Guided onboarding", "--problem", "1", "--bet", "2",
           "--metric", METRIC, "--target", "0.6", "--rule", "ship to all if +5 pts",
           "--milestone", "2026-06-29: launch", "--as-of", LAUNCH.date().isoformat())
    needle("proposal", "respond", "4", "approved", "--by", "Cleo", "--why", "clear evidence")
    locked = needle("proposal", "edit", "4", "--target", "0.9", ok=False)
    assert locked.stderr.count("\n") == 1 and "locked" in locked.stderr
    assert needle.json("proposal", "show", "4")["fields"]["target"] == 0.6

    # decision logged, visible in the week and in the sprint's top decisions
    needle("journal", "log", "Roll guided onboarding out to everyone", "--by", "Cleo",
           "--on", LAUNCH.date().isoformat(), "--link", "proposal:4", "--link",
           f"query:{METRIC}", "--alternative", "a 50/50 experiment first")
    week = needle.json("journal", "--week", "--on", LAUNCH.date().isoformat())
    assert [d["title"] for d in week] == ["Roll guided onboarding out to everyone"]
    top = needle("journal", "top", "5", "--sprint", "--on", LAUNCH.date().isoformat())
    assert "decided by Cleo" in top.stdout and "proposal:4" in top.stdout

    # ship post: before/after equal an independent query on weekday-aligned windows
    needle("ship", "new", "Guided onboarding", "--proposal", "4", "--shipped-on",
           LAUNCH.date().isoformat(), "--weeks", str(WEEKS), "--what", "a guided onboarding",
           "--learned", "Guidance beats documentation.")
    result = needle.json("ship", "show", "6")["fields"]["result"]
    span = timedelta(weeks=WEEKS)
    n0, c0 = _independent_conversion(ws, LAUNCH - span, LAUNCH)
    n1, c1 = _independent_conversion(ws, LAUNCH, LAUNCH + span)
    assert (result["before"]["n"], result["after"]["n"]) == (n0, n1)
    assert result["before"]["value"] == pytest.approx(c0 / n0)
    assert result["after"]["value"] == pytest.approx(c1 / n1)
    assert result["low"] < RATE_AFTER - RATE_BEFORE < result["high"]
    assert result["distinguishable"] and "distinguishable from noise" in result["statement"]

    # portfolio: every claim re-runs; the bullet's numbers are claims
    out = tmp_path / "site"
    built = needle("portfolio", "build", "--out", str(out))
    claims = json.loads((out / "claims.json").read_text())
    pages = " ".join(p.read_text() for p in out.glob("*.html"))
    for claim in claims:
        row = duckdb.sql(claim["sql"].replace("{events}", _events_sql(ws))).fetchall()[0]
        assert row[0] == pytest.approx(claim["value"]), claim["id"]
        assert claim["display"] in pages, claim["id"]
    by_id = {c["id"]: c for c in claims}
    low, high = confint_proportions_2indep(c1, n1, c0, n0, method="newcomb", compare="diff")
    bullet = (f"Identified New users stall in onboarding affecting "
              f"{by_id['problem-1-reach']['display']} users, shipped a guided onboarding, "
              f"signup → onboarding_completed conversion within 2 days moved "
              f"{by_id['ship-6-before']['display']} → {by_id['ship-6-after']['display']} "
              f"(95% CI {low * 100:+.1f} to {high * 100:+.1f} pts)")
    assert bullet in built.stdout
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1",
                    str(out / "portfolio.pdf"), str(tmp_path / "page")], check=True)
    assert _has_ink(next(tmp_path.glob("page*.png")))
