"""Interview guides and their notes, links printed as links, and the positioning documents
(resume, portfolio, conversation) titled with the person's name and every number tied to its
query, on the tiny product."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from needle.cli.main import app
from needle.errors import UserError
from needle.workspace import Workspace
from tests.artifacts.tinyproduct import LAUNCH, METRIC

pytestmark = pytest.mark.parametrize("store_kind", ["sqlite"], indirect=True)
DAY = LAUNCH.date().isoformat()
NAME = "Ada Lovelace"


def test_a_leading_question_refuses_the_guide(ws: Workspace) -> None:
    problem = ws.create_problem("Onboarding stalls", {}, [1])["id"]
    with pytest.raises(UserError, match=r"question 8 .*Don't you think.* is leading"):
        ws.create_guide(problem, ["Don't you think onboarding is too long?"])
    assert ws.artifacts("guide") == []


@pytest.mark.parametrize(("question", "codes"), [
    ("Would you use a checklist?", ["hypothetical", "closed"]),
    ("Did you finish onboarding?", ["closed"]),
    ("Tell me about the last time you set up a team.", []),
    ("What happened after you signed up?", []),
])
def test_closed_and_hypothetical_questions_are_warnings(ws: Workspace, question: str,
                                                        codes: list[str]) -> None:
    problem = ws.create_problem("Onboarding stalls", {}, [1])["id"]
    guide = ws.create_guide(problem, [question])
    assert [f["code"] for f in guide["fields"]["findings"]] == codes
    assert guide["fields"]["questions"][-1] == question


def test_interview_notes_are_evidence_linked_to_their_guide(ws: Workspace,
                                                            tmp_path: Path) -> None:
    problem = ws.create_problem("Onboarding stalls", {}, [1])["id"]
    guide = ws.create_guide(problem)["id"]
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "call-with-dana.md").write_text("Dana said setup took her team a whole "
                                             "afternoon.\n", encoding="utf-8")
    found = ws.import_interview_notes(guide, [notes])
    assert len(found) == 1
    pieces = ws.evidence_pieces(found)
    assert pieces[0]["kind"] == "interview" and "whole afternoon" in pieces[0]["text"]
    assert f"evidence:{found[0]}" in ws.artifact("guide", guide)["links"]


def test_links_print_as_links_not_objects(ws: Workspace) -> None:
    ws.create_problem("Onboarding stalls", {}, [1], [f"query:{METRIC}"])
    shown = CliRunner().invoke(app, ["-w", str(ws.root), "problem", "show", "1"]).output
    assert f"Usage data: query:{METRIC}" in shown.replace("\\", "") and "object at" not in shown


@pytest.fixture
def shipped(ws: Workspace) -> Workspace:
    """A problem, an approved proposal and a successful ship post; the name setting set."""
    ws.settings["name"] = NAME
    problem = ws.create_problem("New users stall in onboarding", {}, [1, 2, 3, 5])["id"]
    ws.edit_artifact("problem", problem, {"status": "open"})
    made = ws.create_proposal("Guided onboarding", {
        "problem": problem, "metric": METRIC, "metric_kind": "leading", "target": 0.6,
        "guardrails": [{"metric": "per_user:invite_sent", "kind": "lagging"}],
        "decision_rule": "ship if onboarding rises"}, as_of=DAY)
    ws.respond_to_proposal(made["id"], "approved", "Mara", "clear evidence")
    ws.publish_ship("Guided onboarding", {"proposal": made["id"], "shipped_on": DAY,
                                          "what": "a guided onboarding"})
    return ws


def test_the_resume_bullet_is_in_the_programme_form_with_its_queries(shipped: Workspace
                                                                      ) -> None:
    resume = shipped.write_resume()
    assert resume["title"] == f"{NAME}: resume"
    [bullet] = resume["fields"]["bullets"]
    assert bullet.startswith("Identified New users stall in onboarding affecting ")
    assert ", shipped a guided onboarding, resulting in " in bullet
    claims = {c["id"]: c for c in resume["fields"]["claims"]}
    before, after = claims["ship-3-before"]["value"], claims["ship-3-after"]["value"]
    gain = claims["ship-3-improvement"]["value"]
    assert f"resulting in {gain:.0f}% improvement" in bullet
    assert gain == pytest.approx((after - before) / before * 100)
    files = [str(p) for p in shipped.lake.files()]
    events = duckdb.connect()  # plain DuckDB over the lake's files, not Needle's engine
    events.execute(f"CREATE VIEW events AS SELECT * FROM read_parquet({files!r})")
    for key in ("ship-3-before", "ship-3-after", "problem-1-reach"):
        claim = claims[key]
        row = events.execute(claim["sql"]).fetchdf()
        assert float(row[claim["column"]].iloc[0]) == pytest.approx(claim["value"])


def test_the_portfolio_shows_the_five_artifacts_each_number_with_its_query(
        shipped: Workspace, tmp_path: Path) -> None:
    shipped.create_teardown("Asana checklists", {"competitor": "Asana"})
    book = shipped.build_portfolio(tmp_path / "site")
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert f"<title>{NAME}: product outcomes</title>" in index
    for section in ("Problem discovery", "Ship posts with metrics", "Failed-experiment write-ups",
                    "Customer-insight synthesis", "Competitive teardowns"):
        assert f">{section}</h2>" in index
    claims = json.loads((tmp_path / "site" / "claims.json").read_text(encoding="utf-8"))
    assert claims == [c | {"derived_from": list(c["derived_from"])}
                      for c in book.to_json()["claims"]]
    for claim in claims:
        assert f"[{claim['id']}]" in index
        assert claim["sql"] or claim["derived_from"]


def test_the_conversation_argues_from_the_evidence(shipped: Workspace) -> None:
    talk = shipped.write_conversation("Mara", "Own activation next quarter")
    assert talk["title"] == f"{NAME}: conversation with Mara"
    lines = talk["fields"]["evidence"]
    assert any(line.startswith("I shipped Guided onboarding") for line in lines)
    ids = {c["id"] for c in talk["fields"]["claims"]}
    assert {"ship-3-before", "ship-3-after", "problem-1-reach"} <= ids
