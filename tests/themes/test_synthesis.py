"""The customer-insight synthesis: pieces reviewed, topics by frequency, severity, quotes and
priorities, rendered like other artifacts; bad input refused in one line."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from needle.workspace import Workspace
from tests.conftest import Cli

REVIEWS = Path(__file__).parent / "data" / "app_reviews.csv"


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory, model: Any) -> tuple[Cli, dict]:
    """A workspace of app reviews and its first synthesis (themes built by the synthesis)."""
    root = tmp_path_factory.mktemp("synthesis") / "ws"
    Workspace.init(root).close()
    cli = Cli(root)
    cli("evidence", "import", str(REVIEWS), "--kind", "review")
    cli("synthesis", "new")
    return cli, json.loads(cli("synthesis", "show", "1", "--json").stdout)


def test_it_counts_what_was_reviewed_and_lists_topics_by_frequency(reviewed) -> None:
    cli, made = reviewed
    fields = made["fields"]
    listing = json.loads(cli("themes", "--json").stdout)
    assert fields["reviewed"] == {"review": 420} and fields["pieces"] == 420
    sizes = [t["pieces"] for t in fields["themes"]]
    assert sizes == sorted(sizes, reverse=True)
    # each themed piece counted once, for one topic (the nearest, not always its theme's)
    counted = [e for t in fields["themes"] for e in t["evidence_ids"]]
    themed = [e for t in listing["themes"] for e in t["evidence_ids"]]
    assert len(counted) == len(set(counted)) and sorted(counted) == sorted(themed)
    assert sum(sizes) == sum(t["size"] for t in listing["topics"])
    assert fields["summary"].startswith("After reviewing 420 pieces of customer evidence")


def test_severe_topics_come_before_frequent_calm_ones(reviewed) -> None:
    _, made = reviewed
    topics = made["fields"]["themes"]
    first = next(t for t in topics if t["name"] in made["fields"]["recommendations"][0])
    calmest = min(topics, key=lambda t: t["severity"]["any"])
    assert first["severity"]["any"] > calmest["severity"]["any"]
    assert len(made["fields"]["recommendations"]) == 3


def test_quotes_are_linked_evidence_of_their_topic(reviewed) -> None:
    _, made = reviewed
    links = set(made["links"])
    for topic in made["fields"]["themes"]:
        assert 1 <= len(topic["quotes"]) <= 3
        for quote in topic["quotes"]:
            assert f"evidence:{quote['evidence_id']}" in links
            assert quote["evidence_id"] in topic["evidence_ids"]


def test_it_renders_like_other_artifacts(reviewed, tmp_path: Path) -> None:
    cli, made = reviewed
    text = cli("synthesis", "show", "1").stdout
    assert "## Recommended priorities" in text and made["fields"]["themes"][0]["name"] in text
    out = tmp_path / "s.html"
    cli("synthesis", "export", "1", "--format", "html", "--out", str(out))
    assert "Recommended priorities" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(("flags", "message"), [
    (["--kind", "tweet"], "unknown evidence kind 'tweet'"),
    (["--from", "2024-05-01", "--to", "2024-01-01"], "after it ends on 2024-01-01"),
    (["--from", "2030-01-01"], "no evidence in that period"),
    (["--from", "2024-13-01"], "2024-13-01"),
])
def test_bad_input_is_one_line(reviewed, flags: list[str], message: str) -> None:
    cli, _ = reviewed
    result = cli("synthesis", "new", *flags, ok=False)
    assert result.exit_code != 0 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_a_period_counts_only_its_pieces(reviewed) -> None:
    cli, _ = reviewed
    cli("synthesis", "new", "--from", "2024-02-01", "--to", "2024-02-29")
    made = json.loads(cli("synthesis", "list", "--json").stdout)[-1]["fields"]
    with open(REVIEWS, encoding="utf-8") as f:
        february = sum(row["date"].startswith("2024-02") for row in csv.DictReader(f))
    assert made["pieces"] == february == sum(made["reviewed"].values())


def test_a_recommendation_names_the_widest_behaviour_gap_once() -> None:
    from needle.artifacts.synthesis import _recommendation

    gaps = [{"theme": name, "metric": "retention_30d", "difference": d, "low": d - 0.05,
             "high": d + 0.1} for name, d in (("app crashed", -0.4), ("ios app crashes", -0.62),
                                              ("white screen", -0.51))]
    line = _recommendation(1, {"name": "App crashes", "pieces": 195, "share": 0.13,
                               "trend": "falling", "severity": {"any": 0.85},
                               "behaviour": gaps})
    assert line.count("reporters of") == 1
    assert ("reporters of 'ios app crashes' (and 2 more of its themes): retention 30d -62 points "
            "against other reporters (95% interval -67 to -52)") in line
    assert line.startswith("Fix first: App crashes. 195 pieces, 13% of those reviewed; falling")


@pytest.mark.parametrize(("texts", "summary"), [
    (["My card has not arrived"], "After reviewing 1 piece of customer evidence (1 ticket), I "
                                  "identified no recurring topic yet, so nothing is ranked."),
    (["My card has not arrived", "Still waiting for my new card", "When will my card arrive?",
      "I ordered a card a week ago and it is not here", "The card I ordered never came"],
     "After reviewing 5 pieces of customer evidence (5 tickets), I identified 1 recurring "
     "topic: "),
])
def test_the_summary_of_a_few_pieces_is_a_sentence(tmp_path: Path, model: Any,
                                                   texts: list[str], summary: str) -> None:
    path = tmp_path / "tickets.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["text"], *[[t] for t in texts]])
    Workspace.init(tmp_path / "ws").close()
    cli = Cli(tmp_path / "ws")
    cli("evidence", "import", str(path))
    cli("synthesis", "new")
    made = json.loads(cli("synthesis", "show", "1", "--json").stdout)["fields"]["summary"]
    assert made.startswith(summary) and "are ." not in made
