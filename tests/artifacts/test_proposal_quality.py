"""Guardrail and metric-quality checks (each an error or a warning, as
``needle.artifacts.quality`` documents), responses with what was learned, smaller bets, saying
no and the roadmap, on the tiny product."""

from __future__ import annotations

from typing import Any

import pytest

from needle.errors import UserError
from needle.workspace import Workspace
from tests.artifacts.tinyproduct import LAUNCH, METRIC

pytestmark = pytest.mark.parametrize("store_kind", ["sqlite"], indirect=True)
DAY = LAUNCH.date().isoformat()
GUARD = [{"metric": "per_user:invite_sent", "kind": "lagging"}]
GOOD = {"metric": METRIC, "metric_kind": "lagging", "guardrails": GUARD, "target": 0.6,
        "decision_rule": "ship if onboarding rises"}


def proposal(ws: Workspace, **changes: Any) -> dict[str, Any]:
    problem = ws.create_problem("Onboarding stalls", {}, [1, 2, 3])["id"]
    made = ws.create_proposal("Checklist", {"problem": problem, **GOOD, **changes}, as_of=DAY)
    return ws.artifact("proposal", made["id"])


def codes(view: dict[str, Any]) -> set[str]:
    return {c["code"] for c in view["checks"]}


def test_a_well_formed_proposal_has_no_findings(ws: Workspace) -> None:
    assert proposal(ws)["checks"] == []


@pytest.mark.parametrize(("changes", "expected"), [
    ({"guardrails": []}, {"no-guardrail"}),
    ({"guardrails": [], "metric_kind": "leading"}, {"no-guardrail", "proxy"}),
    ({"metric_kind": None}, {"untagged"}),
    ({"guardrails": [{"metric": "per_user:never_sent", "kind": "lagging"}]},
     {"unknown-event"}),
])
def test_warnings_are_kept_on_the_proposal(ws: Workspace, changes: dict[str, Any],
                                          expected: set[str]) -> None:
    view = proposal(ws, **changes)
    assert codes(view) == expected
    assert {c["severity"] for c in view["checks"]} == {"warning"}


@pytest.mark.parametrize(("changes", "message"), [
    ({"target": 0.3}, "target 0.3 is below the baseline"),
    ({"decision_rule": "ship if drop-off falls"}, "target 0.6 is above the baseline"),
    ({"target": 60}, "target 60 is not a rate: write 60% as 0.6"),
    ({"target": float("nan")}, "target nan is not a finite number"),
    ({"metric": "per_user:invite_sent", "target": float("inf")},
     "target inf is not a finite number"),
    ({"metric": "median_days:signup>onboarding_completed", "target": -2,
      "decision_rule": "ship if the wait falls"},
     "target -2 is below zero, which median days from signup to onboarding_completed never is"),
    ({"metric_kind": "lead"}, "metric_kind is tagged 'lead': use leading or lagging"),
])
def test_errors_refuse_the_proposal(ws: Workspace, changes: dict[str, Any],
                                    message: str) -> None:
    with pytest.raises(UserError, match=message):
        proposal(ws, **changes)
    assert ws.artifacts("proposal") == []


def test_an_edit_that_contradicts_the_rule_is_refused(ws: Workspace) -> None:
    made = proposal(ws)
    with pytest.raises(UserError, match="below the baseline"):
        ws.edit_artifact("proposal", made["id"], {"target": 0.2})
    assert ws.artifact("proposal", made["id"])["fields"]["target"] == 0.6


def test_a_ship_dated_before_the_approval_is_a_warning(ws: Workspace) -> None:
    made = proposal(ws)
    ws.respond_to_proposal(made["id"], "approved", "Mara", "clear evidence")
    ship = ws.publish_ship("Checklist", {"proposal": made["id"], "shipped_on": DAY})
    checks = ws.artifact("ship", ship["id"])["checks"]
    assert [c["code"] for c in checks] == ["ship-before-approval"]
    assert checks[0]["severity"] == "warning"


def test_a_no_is_kept_with_its_learning_and_leads_to_a_smaller_bet(ws: Workspace) -> None:
    problem = ws.create_problem("Onboarding stalls", {}, [1, 2, 3])["id"]
    bet = ws.create_bet("Redesign", {"problem": problem, "effort": 6})["id"]
    made = ws.create_proposal("Redesign", {"problem": problem, "bet": bet, **GOOD}, as_of=DAY)
    with pytest.raises(UserError, match="a smaller bet follows a no or a not now"):
        ws.smaller_bet(made["id"], "Checklist", {"effort": 2})
    ws.respond_to_proposal(made["id"], "rejected", "Mara", "too big", "start smaller")
    response = ws.artifact("proposal", made["id"])["fields"]["response"]
    assert (response["response"], response["by"], response["learned"]) == (
        "rejected", "Mara", "start smaller")
    with pytest.raises(UserError, match="a smaller bet needs less than bet 2's 6"):
        ws.smaller_bet(made["id"], "Slightly smaller redesign", {"effort": 6})
    smaller = ws.smaller_bet(made["id"], "Checklist", {"effort": 2})
    shown = ws.artifact("bet", smaller["id"])
    assert shown["fields"]["smaller_than"] == made["id"]
    assert {f"proposal:{made['id']}", f"bet:{bet}"} <= set(shown["links"])


def test_the_roadmap_ranks_methods_apart_and_keeps_the_reasons_for_no(ws: Workspace) -> None:
    problem = ws.create_problem("Onboarding stalls", {}, [1, 2, 3])["id"]
    rice = [ws.create_bet(f"R{i}", {"problem": problem, "effort": e})["id"]
            for i, e in enumerate((1, 2, 4, 8))]
    ice = ws.create_bet("I", {"problem": problem, "method": "ice", "impact": 9})["id"]
    with pytest.raises(UserError, match="a dropped bet keeps its reason"):
        ws.edit_artifact("bet", rice[3], {"status": "dropped"})
    ws.drop_bet(rice[3], "the data says nobody asked for it")
    made = ws.create_proposal("Checklist", {"problem": problem, **GOOD}, as_of=DAY)
    ws.respond_to_proposal(made["id"], "rejected", "Mara", "not this quarter")
    lanes = ws.roadmap()
    assert [(i["id"], i["method"], i["rank"]) for i in lanes["next"]] == [
        (rice[0], "rice", 1), (rice[1], "rice", 2), (rice[2], "rice", 3), (ice, "ice", 1)]
    assert lanes["later"] == [] and lanes["now"] == []
    assert [(i["kind"], i["reason"]) for i in lanes["not_doing"]] == [
        ("proposal", "not this quarter"), ("bet", "the data says nobody asked for it")]


def test_a_bet_carried_by_a_proposal_leaves_the_candidates(ws: Workspace) -> None:
    problem = ws.create_problem("Onboarding stalls", {}, [1, 2, 3])["id"]
    carried, other = (ws.create_bet(title, {"problem": problem, "effort": 2})["id"]
                      for title in ("Checklist", "Templates"))
    made = ws.create_proposal("Checklist", {"problem": problem, "bet": carried, **GOOD},
                              as_of=DAY)["id"]
    assert carried in [i["id"] for i in ws.roadmap()["next"]]  # a draft carries nothing yet
    ws.respond_to_proposal(made, "approved", "Mara", "cheap to try")
    lanes = ws.roadmap()
    assert [(i["kind"], i["id"]) for i in lanes["now"]] == [("proposal", made)]
    assert [i["id"] for i in lanes["next"]] == [other]
    ws.publish_ship("Checklist", {"proposal": made, "shipped_on": DAY})
    lanes = ws.roadmap()
    assert lanes["now"] == [] and [i["id"] for i in lanes["next"]] == [other]


@pytest.mark.parametrize(("by", "why", "message"), [
    ("", "clear evidence", "a response says who gave it and why; by is empty"),
    ("Mara", "  ", "a response says who gave it and why; why is empty"),
])
def test_a_response_without_who_or_why_is_refused(ws: Workspace, by: str, why: str,
                                                  message: str) -> None:
    made = proposal(ws)
    with pytest.raises(UserError, match=message):
        ws.respond_to_proposal(made["id"], "approved", by, why)
    assert ws.artifact("proposal", made["id"])["status"] == "draft"


@pytest.mark.parametrize(("value", "message"), [
    ("6", "target 6 is not a rate: write 60% as 0.6"),
    ("nan", "target nan is not a finite number"),
])
def test_an_amended_target_the_metric_cannot_reach_is_refused(ws: Workspace, value: str,
                                                              message: str) -> None:
    made = proposal(ws)
    ws.respond_to_proposal(made["id"], "approved", "Mara", "clear evidence")
    with pytest.raises(UserError, match=message):
        ws.amend_proposal(made["id"], "target", value, "the board wants more")
    assert ws.artifact("proposal", made["id"])["fields"]["target"] == 0.6
