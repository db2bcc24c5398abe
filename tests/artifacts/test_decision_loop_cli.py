"""The decision loop end to end, through the CLI, on the demo product: evidence -> problem ->
bets -> proposal -> decision -> ship post -> portfolio, every published number re-run."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime, time, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pytest
from PIL import Image
from sqlalchemy import text
from statsmodels.stats.proportion import confint_proportions_2indep

from needle.demo.truth import TRUTH
from needle.workspace import Workspace
from tests.artifacts.conftest import Needle

LAUNCH = datetime.combine(TRUTH.day_date(TRUTH.launch.day), time(), TRUTH.start.tzinfo)
DAY = LAUNCH.date().isoformat()
WEEKS = 4
LABEL = "signup → onboarding_completed conversion within 2 days"


@pytest.fixture
def demo_copy(demo_workspace, tmp_path) -> Workspace:  # type: ignore[no-untyped-def]
    """A private copy of the session's demo workspace, so this test may write to it; the loop
    starts before any artifact, so the demo's own problem and goal are taken out."""
    root = shutil.copytree(demo_workspace.root, tmp_path / "demo")
    workspace = Workspace.open(root)
    with workspace.store.session() as session:
        session.execute(text("DELETE FROM artifact_audit"))
        session.execute(text("DELETE FROM artifact_links"))
        session.execute(text("DELETE FROM artifacts"))
    yield workspace
    workspace.close()


def _events(ws: Workspace) -> str:
    return "read_parquet([" + ", ".join(f"'{f}'" for f in ws.lake.files()) + "])"


def _conversion(ws: Workspace, start: datetime, end: datetime) -> tuple[int, int]:
    """Independently: users whose first signup is in [start, end), and how many of them
    completed onboarding within 48 hours of it."""
    users, converted = duckdb.sql(f"""
        WITH ev AS (SELECT * FROM {_events(ws)}),
        first_signup AS (SELECT distinct_id, min(timestamp) AS t FROM ev
                         WHERE event = 'signup' GROUP BY distinct_id)
        SELECT count(*), count(*) FILTER (WHERE EXISTS (
            SELECT 1 FROM ev o WHERE o.distinct_id = s.distinct_id
            AND o.event = 'onboarding_completed' AND o.timestamp >= s.t
            AND epoch(o.timestamp) - epoch(s.t) < 48 * 3600))
        FROM first_signup s
        WHERE s.t >= '{start.isoformat()}'::TIMESTAMPTZ AND s.t < '{end.isoformat()}'::TIMESTAMPTZ
    """).fetchall()[0]
    return int(users), int(converted)


def _write_interviews(ws: Workspace, folder: Path) -> tuple[Path, Path]:
    """Interview notes from three real demo users who signed up before launch and stalled, and
    a review one of them wrote after it, as CSV files to import."""
    stalled = [r[0] for r in duckdb.sql(f"""
        SELECT distinct_id FROM {_events(ws)} GROUP BY distinct_id
        HAVING bool_or(event = 'signup') AND NOT bool_or(event = 'onboarding_completed')
        AND min(timestamp) < '{DAY}'::TIMESTAMPTZ ORDER BY distinct_id LIMIT 3""").fetchall()]
    notes = ["Signed up, saw an empty workspace and did not know where to start.",
             "The setup questions felt endless; I closed the tab.",
             "I wanted to try it with my team but never got past the first screen."]
    interviews, reviews = folder / "interviews.csv", folder / "reviews.csv"
    interviews.write_text("text,customer,time\n" + "".join(
        f'"{text}",{who},{(LAUNCH - timedelta(days=10 - i)).isoformat()}\n'
        for i, (who, text) in enumerate(zip(stalled, notes, strict=True))))
    reviews.write_text("text,customer,time\n\"The new guided setup had us running in minutes."
                       f'",{stalled[0]},{(LAUNCH + timedelta(days=9)).isoformat()}\n')
    return interviews, reviews


def _import(needle: Needle, path: Path, kind: str) -> list[str]:
    needle("evidence", "import", str(path), "--kind", kind, "--text-col", "text",
           "--customer-col", "customer", "--time-col", "time")
    rows = needle.json("evidence", "list", "--kind", kind, "--limit", "0")
    return [str(r["id"]) for r in rows if r["source"] == str(path)]


def _rerun(ws: Workspace, claim: dict, derived: dict[str, float]) -> float:
    """A claim's value from its own query, or re-derived independently by the test."""
    if claim["source"] == "derived":
        return derived[claim["id"]]
    if claim["source"] == "store":
        with ws.store.engine.connect() as conn:
            return conn.execute(text(claim["sql"])).scalar_one()
    con = duckdb.connect()  # the claim runs over an `events` view, as `needle query sql` does
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"CREATE VIEW events AS SELECT * FROM {_events(ws)}")
    relation = con.sql(claim["sql"])
    return relation.fetchall()[0][relation.columns.index(claim["column"])]


def _has_ink(png) -> bool:  # type: ignore[no-untyped-def]
    pixels = np.asarray(Image.open(png).convert("L"))
    return pixels.shape[0] > 500 and (pixels < 128).mean() > 0.002


def test_decision_loop_end_to_end(demo_copy: Workspace, tmp_path) -> None:
    needle = Needle(demo_copy.root)
    interviews, reviews = _write_interviews(demo_copy, tmp_path)
    notes, [review] = _import(needle, interviews, "interview"), _import(needle, reviews, "review")
    assert len(notes) == 3
    pre_launch_month = ["--from", (LAUNCH - timedelta(days=28)).date().isoformat(),
                        "--to", (LAUNCH - timedelta(days=3)).date().isoformat()]
    needle("insight", "save", "onboarding", "funnel", "signup", "onboarding_completed",
           "--window", "2d", *pre_launch_month)

    # evidence -> problem: two pieces are not enough to leave draft, three are
    needle("problem", "new", "New users stall before onboarding", "--statement",
           "Half of new signups never complete onboarding.", "-e", notes[0], "-e", notes[1])
    before = needle.json("problem", "show", "1")
    refused = needle("problem", "edit", "1", "--status", "open", "--title", "x", ok=False)
    assert refused.stderr.count("\n") == 1 and "has 2 pieces of evidence" in refused.stderr
    assert needle.json("problem", "show", "1")["history"] == before["history"]
    needle("problem", "link", "1", f"evidence:{notes[2]}", "insight:onboarding")
    needle("problem", "edit", "1", "--status", "open")
    problem = needle.json("problem", "show", "1")
    assert (problem["status"], problem["title"]) == ("open", before["title"])

    # two bets, ranked with reasons; reach defaults to the computed reach
    needle("bet", "new", "Guided onboarding", "--problem", "1", "--impact", "2", "--effort", "3")
    needle("bet", "new", "Reminder e-mails", "--problem", "1", "--impact", "1", "--effort", "2",
           "--confidence", "0.5", "--confidence-reason", "untested channel")
    ranked = needle.json("bet", "rank")
    assert [r["title"] for r in ranked] == ["Guided onboarding", "Reminder e-mails"]
    assert ranked[0]["inputs"]["reach"] == problem["reach"]["total"] > 1000
    assert "confidence set by hand (untested channel)" in ranked[1]["why"]

    # proposal: the saved insight is the metric, its baseline measured before launch; locked
    needle("proposal", "new", "Guided onboarding", "--problem", "1", "--bet", "2",
           "--metric", "insight:onboarding", "--target", "0.6", "--rule",
           "roll out if onboarding rises 5 points", "--milestone", f"{DAY}: launch",
           "--as-of", DAY)
    needle("proposal", "respond", "4", "approved", "--by", "Cleo", "--why", "clear evidence")
    locked = needle("proposal", "edit", "4", "--target", "0.9", ok=False)
    assert locked.stderr.count("\n") == 1 and "locked" in locked.stderr
    proposal = needle.json("proposal", "show", "4")
    assert proposal["fields"]["target"] == 0.6
    assert proposal["fields"]["metric"] == "conversion:signup>onboarding_completed@2d"
    assert proposal["fields"]["baseline"]["value"] == pytest.approx(TRUTH.launch.rate_before,
                                                                    abs=0.03)

    # decision logged; it shows in the week and in the sprint's top decisions
    needle("journal", "log", "Roll guided onboarding out to everyone", "--by", "Cleo",
           "--on", DAY, "--link", "proposal:4", "--link", "insight:onboarding",
           "--alternative", "a 50/50 experiment first", "--importance", "5")
    assert [d["title"] for d in needle.json("journal", "--week", "--on", DAY)] == [
        "Roll guided onboarding out to everyone"]
    top = needle("journal", "top", "5", "--sprint", "--on", DAY).stdout
    assert "decided by Cleo" in top and "proposal:4, insight:onboarding" in top

    # ship post: before/after equal an independent query on weekday-aligned windows, and the
    # A/B test that ran after launch is reported with it
    flag = TRUTH.experiment
    needle("experiment", "create", flag.flag, "--exposure-event", flag.exposure_event,
           "--variant-prop", flag.variant_property, "--control", flag.control,
           "--filter", f"{flag.flag_property}={flag.flag}",
           "--metric", f"conversion:{flag.metric_event}:{flag.metric_window_days}",
           "--hypothesis", "a checklist gets teams to a first project",
           "--decision-rule", "ship if projects rise")
    needle("ship", "new", "Guided onboarding", "--proposal", "4", "--shipped-on", DAY,
           "--weeks", str(WEEKS), "--what", "a guided onboarding", "-e", review,
           "--experiment", flag.flag, "--learned", "Guidance beats documentation.")
    post = needle.json("ship", "show", "6")
    result = post["fields"]["result"]
    verdict = needle.json("experiment", "analyze", flag.flag)["verdict"]
    assert result["experiment"]["summary"] == verdict
    assert f"**Experiment {flag.flag}:** {verdict}" in needle("ship", "show", "6").stdout
    span = timedelta(weeks=WEEKS)
    n0, c0 = _conversion(demo_copy, LAUNCH - span, LAUNCH)
    n1, c1 = _conversion(demo_copy, LAUNCH, LAUNCH + span)
    assert (result["before"]["n"], result["after"]["n"]) == (n0, n1)
    assert (result["before"]["value"], result["after"]["value"]) == (
        pytest.approx(c0 / n0), pytest.approx(c1 / n1))
    planted = TRUTH.launch.rate_after - TRUTH.launch.rate_before
    assert result["low"] < planted < result["high"] and result["distinguishable"]
    assert [f["id"] for f in post["feedback"]] == [int(review)]

    # portfolio: every number is a claim that re-runs from its query (or is re-derived)
    out = tmp_path / "site"
    built = needle("portfolio", "build", "--out", str(out))
    claims = {c["id"]: c for c in json.loads((out / "claims.json").read_text())}
    pages = " ".join(p.read_text() for p in out.glob("*.html"))
    low, high = confint_proportions_2indep(c1, n1, c0, n0, method="newcomb", compare="diff")
    derived = {"ship-6-low": low, "ship-6-high": high,
               "ship-6-improvement": (c1 / n1 - c0 / n0) / (c0 / n0) * 100}
    for claim in claims.values():
        assert _rerun(demo_copy, claim, derived) == pytest.approx(claim["value"]), claim["id"]
        assert claim["display"] in pages, claim["id"]
    assert set(derived) <= set(claims) and claims["problem-1-evidence"]["value"] == 4
    shown = {key: c["display"] for key, c in claims.items()}
    bullet = (f"Identified New users stall before onboarding affecting "
              f"{shown['problem-1-reach']} users, shipped a guided onboarding, resulting in "
              f"{shown['ship-6-improvement']} improvement in {LABEL} "
              f"({shown['ship-6-before']} → {shown['ship-6-after']})")
    assert bullet in built.stdout
    index = (out / "index.html").read_text()
    assert "saved funnel insight; cited by problem 1, proposal 4, decision 5" in index
    assert "experiment: a checklist gets teams to a first project; cited by ship 6" in index
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1",
                    str(out / "portfolio.pdf"), str(tmp_path / "page")], check=True)
    assert _has_ink(next(tmp_path.glob("page*.png")))
