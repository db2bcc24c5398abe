"""The 12-week plan lived on the demo with a fake clock (time-machine moves every clock Needle
reads): nothing is done on day 1 although the demo holds artifacts of its own, each stage is
done only when its deliverable meets the programme's definition, and a stage past its last day
without one is late."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from sqlalchemy import select

from needle.demo import demo_info
from needle.evidence.models import Evidence
from needle.workspace import Workspace

WEEK1 = date(2031, 1, 6)  # a Monday, long after the demo was built


@pytest.fixture
def demo(demo_workspace: Workspace, tmp_path: Path) -> Iterator[Workspace]:
    root = tmp_path / "ws"
    shutil.copytree(demo_workspace.root, root)
    with Workspace.open(root) as ws:
        yield ws


class Clock:
    def __init__(self, traveller: Any) -> None:
        self.traveller = traveller
        self.today = WEEK1

    def day(self, n: int) -> date:
        """Go to 10:00 UTC on day ``n`` of the plan (day 1 is the first of week 1)."""
        self.today = WEEK1 + timedelta(days=n - 1)
        self.traveller.move_to(datetime.combine(self.today, time(10), UTC))
        return self.today


@pytest.fixture
def clock() -> Iterator[Clock]:
    with time_machine.travel(datetime.combine(WEEK1, time(9), UTC), tick=False) as traveller:
        yield Clock(traveller)


def statuses(ws: Workspace, today: date) -> list[str]:
    return [row["status"] for row in ws.plan(today)]


def evidence_around(ws: Workspace, day: date) -> tuple[list[int], list[int]]:
    """Evidence ids dated before ``day`` and on or after it."""
    with ws.store.session() as session:
        pieces = session.scalars(select(Evidence).order_by(Evidence.created_at)).all()
        return ([e.id for e in pieces if e.created_at and e.created_at.date() < day],
                [e.id for e in pieces if e.created_at and e.created_at.date() >= day])


def test_day_one_of_a_fresh_demo_has_nothing_done(demo: Workspace, clock: Clock) -> None:
    assert demo.artifacts("problem") and demo.artifacts("goal")  # the demo's own
    assert {r["status"] for r in demo.plan(clock.today)} == {"not_started"}
    assert demo.plan_next(clock.today)["hint"] == "plan-start"
    demo.start_plan(WEEK1)
    rows = demo.plan(clock.today)
    assert [r["status"] for r in rows] == ["in_progress"] + ["not_started"] * 5
    assert [r["due"] for r in rows][:2] == ["2031-01-19", "2031-02-02"]
    assert demo.plan_overview(clock.today)["week"] == 1
    assert demo.plan_next(clock.today)["hint"] == "journal-log"


def test_the_twelve_weeks_walked(demo: Workspace, clock: Clock) -> None:
    ws = demo
    ws.start_plan(WEEK1)
    truth = demo_info(ws.root).truth  # type: ignore[union-attr]
    launch = truth.day_date(truth.launch.day)

    # Weeks 1-2: a decision each working day; four days are not yet the top-5 page.
    for n in range(1, 5):
        ws.log_decision(f"Decision {n}", {"decided_by": "Cleo"}, [], clock.day(n))
    assert statuses(ws, clock.today)[0] == "in_progress"
    ws.log_decision("Decision 5", {"decided_by": "Dev"}, [], clock.day(5))
    row = ws.plan(clock.today)[0]
    assert (row["status"], row["finished"], row["done_on"]) == ("done", "on time", "2031-01-10")
    journal = ws.plan_overview(clock.today)["habits"][0]
    assert (journal["habit"], journal["current"], journal["best"]) == ("journal", 5, 5)
    assert statuses(ws, clock.today)[1:] == ["not_started"] * 5  # no week claimed early

    # Weeks 3-4: a problem with two pieces of evidence is not yet backed; the third makes it.
    before, after = evidence_around(ws, launch)
    problem = ws.create_problem("Onboarding stalls for new teams", {"statement": "..."},
                                before[:2])["id"]
    clock.day(16)
    assert statuses(ws, clock.today)[1] == "in_progress"
    ws.link_artifact("problem", problem, [f"evidence:{before[2]}"])
    assert ws.plan(clock.today)[1]["status"] == "done"

    # Weeks 5-6 pass with nothing: in week 7 stage 3 is late.
    clock.day(44)
    assert statuses(ws, clock.today)[2] == "late"
    bet = ws.create_bet("A full onboarding redesign", {"problem": problem, "effort": 8})["id"]
    first = ws.create_proposal("Redesign onboarding", {
        "problem": problem, "bet": bet, "metric": "conversion:signup>onboarding_completed@2d",
        "metric_kind": "leading", "target": 0.6, "decision_rule": "ship if onboarding rises",
        "guardrails": [{"metric": "per_user:task_completed", "kind": "lagging"}]},
        as_of=launch.isoformat())["id"]
    ws.respond_to_proposal(first, "rejected", "Mara", "too big for this quarter")
    assert ws.plan(clock.today)[2]["missing"].endswith("what was learned from the response")
    ws.learn_from_proposal(first, "Leadership wants a two-week experiment first")
    assert ws.plan(clock.today)[2]["status"] == "late"  # a no needs a smaller bet
    smaller = ws.smaller_bet(first, "Onboarding checklist", {"effort": 2})["id"]
    row = ws.plan(clock.today)[2]
    assert (row["status"], row["finished"]) == ("done", "late")

    # Weeks 7-8: a ship post with numbers, feedback after launch and what was learned.
    second = ws.create_proposal("Onboarding checklist", {
        "problem": problem, "bet": smaller,
        "metric": "conversion:signup>onboarding_completed@2d", "metric_kind": "leading",
        "target": 0.6, "decision_rule": "ship if onboarding rises",
        "guardrails": [{"metric": "per_user:task_completed", "kind": "lagging"}]},
        as_of=launch.isoformat())["id"]
    ws.respond_to_proposal(second, "approved", "Mara", "small and measurable", "Small wins")
    clock.day(47)
    ship = ws.publish_ship("Onboarding checklist", {"proposal": second,
                                                    "shipped_on": launch.isoformat(),
                                                    "what": "an onboarding checklist"})["id"]
    assert ws.plan(clock.today)[3]["missing"].startswith(f"ship post {ship} cites no feedback")
    ws.link_artifact("problem", problem, [f"evidence:{after[0]}"])
    assert ws.plan(clock.today)[3]["missing"] == f"ship post {ship} does not say what was learned"
    ws.edit_artifact("ship", ship, {"learned": "A checklist is enough for most teams"})
    assert ws.plan(clock.today)[3]["status"] == "done"

    # Weeks 9-10: three competitors mapped and a goal due within the quarter.
    clock.day(60)
    for name in ("Asana", "Trello", "Linear"):
        ws.create_teardown(f"{name} onboarding", {"competitor": name, "better": "templates"})
    assert ws.plan(clock.today)[4]["missing"] == "no outcome goal due within a quarter"
    ws.create_goal("Half of new teams onboarded in two days", {
        "metric": "conversion:signup>onboarding_completed@2d", "target": 0.7,
        "due": (clock.today + timedelta(days=90)).isoformat()})
    assert ws.plan(clock.today)[4]["status"] == "done"

    # Weeks 11-12: resume, portfolio and conversation plan.
    clock.day(75)
    ws.write_resume()
    ws.build_portfolio(ws.root / "site")
    assert ws.plan(clock.today)[5]["missing"] == "no conversation plan yet"
    ws.write_conversation("Mara")
    rows = ws.plan(clock.today)
    assert [r["status"] for r in rows] == ["done"] * 6
    assert [r["finished"] for r in rows] == ["on time", "on time", "late", "on time",
                                             "on time", "on time"]
    assert ws.plan_next(clock.today) is None


def test_a_deliverable_missed_is_late_and_the_next_action_is_the_oldest(demo: Workspace,
                                                                        clock: Clock) -> None:
    demo.start_plan(WEEK1)
    clock.day(30)  # week 5: stages 1 and 2 have passed without their deliverables
    assert statuses(demo, clock.today) == ["late", "late", "in_progress", "not_started",
                                           "not_started", "not_started"]
    step = demo.plan_next(clock.today)
    assert (step["stage"], step["hint"]) == (1, "journal-log")
    assert demo.plan_overview(clock.today)["week"] == 5
