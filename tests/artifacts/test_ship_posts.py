"""Ship posts: a flat or wrong-way result becomes the failed-experiment write-up."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from needle.artifacts import proposals, ships, store
from needle.artifacts.links import Link
from needle.documents.artifacts import markdown_for
from needle.errors import UserError
from tests.artifacts.tinyproduct import LAUNCH, METRIC, START

pytestmark = pytest.mark.parametrize("store_kind", ["sqlite"], indirect=True)
FAILED_FORM = ("# Failed experiment:", "## Hypothesis", "## What happened", "## What we learned",
               "## What we do next")


def _ship(ws, shipped_on, target: float) -> str:  # type: ignore[no-untyped-def]
    engine = ws.engine
    with ws.store.session() as session:
        problem = store.create(session, "problem", "Onboarding stalls", "ada", {},
                               [Link("evidence", str(i)) for i in (1, 2, 3, 6, 7)])
        proposal = proposals.create(session, engine, "Checklist", "ada",
                                    {"problem": problem.id, "metric": METRIC, "target": target,
                                     "decision_rule": "keep if +3 pts"},
                                    as_of=shipped_on.isoformat())
        proposals.respond(session, proposal, "approved", "Cleo", "cheap to try", "ada")
        post = ships.create(session, engine, "Checklist", "ada",
                            {"proposal": proposal.id, "shipped_on": shipped_on.isoformat(),
                             "weeks": 2, "learned": "Nobody reads checklists."}, [])
        return markdown_for(session, engine, post)


def test_a_flat_result_is_written_up_as_a_failed_experiment(ws) -> None:
    text = _ship(ws, (START + timedelta(days=14)).date(), target=0.6)
    assert all(heading in text for heading in FAILED_FORM)
    assert "The result was **flat**" in text and "not distinguishable from noise" in text
    assert "Nobody reads checklists." in text


def test_a_wrong_way_move_is_a_failure_and_feedback_is_after_launch(ws) -> None:
    text = _ship(ws, LAUNCH.date(), target=0.4)  # wanted it lower; it rose
    assert "The result was **failed**" in text
    feedback = text.split("## What users said after launch")[1].split("##")[0]
    assert "evidence:6" in feedback and "evidence:7" in feedback and "evidence:1 " not in feedback


def test_a_success_reads_as_a_ship_post(ws) -> None:
    text = _ship(ws, LAUNCH.date(), target=0.6)
    assert text.startswith("# Shipped: Checklist") and "## What we do next" not in text
    assert "We noticed onboarding stalls, affecting " in text  # the programme's opening
    assert "We built checklist. Here is the data after 2 weeks." in text
    assert "distinguishable from noise" in text


def _approved(ws):  # type: ignore[no-untyped-def]
    with ws.store.session() as session:
        problem = store.create(session, "problem", "Onboarding stalls", "ada", {},
                               [Link("evidence", str(i)) for i in (1, 2, 3)])
        proposal = proposals.create(session, ws.engine, "Checklist", "ada",
                                    {"problem": problem.id, "metric": METRIC, "target": 0.6,
                                     "decision_rule": "keep if +3 pts"},
                                    as_of=LAUNCH.date().isoformat())
        proposals.respond(session, proposal, "approved", "Cleo", "cheap to try", "ada")
        return proposal.id


def test_zero_weeks_is_refused_not_read_as_the_default(ws) -> None:
    made = _approved(ws)
    with ws.store.session() as session, pytest.raises(UserError, match="weeks 0: compare at "
                                                                       "least one week"):
        ships.create(session, ws.engine, "Checklist", "ada",
                     {"proposal": made, "shipped_on": LAUNCH.date().isoformat(), "weeks": 0}, [])
    assert ws.artifacts("ship") == []


def test_a_post_says_the_weeks_it_compared_when_the_data_is_shorter(ws) -> None:
    made = _approved(ws)
    with ws.store.session() as session:
        post = ships.create(session, ws.engine, "Checklist", "ada",
                            {"proposal": made, "shipped_on": LAUNCH.date().isoformat(),
                             "weeks": 1000}, [])
        window = post.fields["result"]["after"]["window"]
        compared = (date.fromisoformat(window["end"]) - date.fromisoformat(window["start"])).days
        assert post.fields["weeks"] == compared // 7 < 1000
        assert f"Here is the data after {compared // 7} weeks." in markdown_for(
            session, ws.engine, post)
