"""The 12-week plan into product engineering, lived in time.

``start`` fixes week 1. Each of the six two-week stages has activities, habits and one
deliverable, judged by :mod:`needle.artifacts.deliverables` from artifacts made after the start
(what a workspace held before, such as a demo's own artifacts, counts for nothing). A stage is
``not_started``, ``in_progress``, ``done`` or ``late`` (its last day has passed without the
deliverable); a deliverable finished before its stage began says so, and the plan never calls a
week that has not come current.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from needle.artifacts import deliverables, habits, store
from needle.artifacts.deliverables import Check
from needle.artifacts.models import AuditEntry
from needle.errors import UserError

WEEKS = 12
STAGE_DAYS = 14
START_ACTION = "plan-start"
NOT_STARTED = Check(None, False, "the plan has not started", "plan-start")


@dataclass(frozen=True)
class Stage:
    number: int
    name: str  # the stage's goal
    activities: tuple[str, ...]
    habits: tuple[str, ...]  # names in :data:`needle.artifacts.habits.HABITS`
    deliverable: str  # the programme's wording

    @property
    def weeks(self) -> str:
        return f"{2 * self.number - 1}-{2 * self.number}"


STAGES = (
    Stage(1, "See the product layer",
          ("Write a one-sentence decision journal every day: who decided, on what data, "
           "against which alternative.", "Read the last 10 support tickets.",
           "Ask of each piece of work: what metric does this target? What if we don't build "
           "it? What did the last interview reveal?"),
          ("journal", "evidence"),
          "A one-page document: the top 5 product decisions this sprint, who made each, and "
          "what data (or lack of it) informed it."),
    Stage(2, "First customer contact",
          ("Shadow 3 user calls or read 20 support conversations.",
           "Notice the complaints that repeat."),
          ("journal", "evidence"),
          "A problem statement for one unaddressed pain point backed by at least 3 pieces of "
          "evidence (tickets, quotes, usage data)."),
    Stage(3, "First product bet",
          ("Write a one-page proposal: problem (evidence), solution (scope), expected outcome "
           "(metric), timeline (milestones).", "Share it and record the response."),
          ("journal",),
          "The proposal plus the response received and what was learned from it (yes, no or "
          "not now; a no leads to a smaller bet)."),
    Stage(4, "Ship and measure",
          ("Instrument the events; set up a dashboard.",
           "Define success in numbers before shipping.",
           "Follow up with the users who had the pain."),
          ("journal", "evidence"),
          "A ship post: we noticed X affecting Y users, we built Z, here is the data after one "
          "week, with before/after metrics, user feedback and what was learned."),
    Stage(5, "Expand scope",
          ("Map the 3 closest competitors: where they are better, where worse.",
           "Attend a sales call.", "Review the dashboard weekly for anomalies."),
          ("journal", "evidence", "review"),
          "A competitive analysis document and one proposed outcome-framed quarterly goal "
          "(reduce time-to-first-value from 14 days to 3, not build a wizard)."),
    Stage(6, "Consolidate and position",
          ("Rewrite resume bullets as: identified X affecting Y users, shipped Z, resulting in "
           "W% improvement.", "Compile the portfolio.", "Plan the manager conversation."),
          ("journal",),
          "An updated resume, the transition portfolio (problem discovery, ship post with "
          "metrics, failed-experiment write-up, customer-insight synthesis, competitive "
          "teardown) and the conversation plan."),
)


@dataclass(frozen=True)
class Start:
    week1: date  # the first day of week 1
    at: datetime  # when the plan was started: only artifacts made since count


def start(session: Session, who: str, week1: date) -> Start:
    """Start (or restart) the plan with week 1 beginning on ``week1``; a plan that would be
    over already is refused (every stage late at once, and nothing made from now could count)."""
    moment = store.now()
    ends = week1 + timedelta(weeks=WEEKS)
    if ends <= moment.date():
        raise UserError(f"a plan whose week 1 began on {week1} ended on {ends - timedelta(1)}; "
                        f"start it on a day after {moment.date() - timedelta(weeks=WEEKS)}",
                        field="date", value=week1.isoformat())
    store.audit(session, None, who, START_ACTION, {"week1": week1.isoformat()})
    return Start(week1, moment)


def started(session: Session) -> Start | None:
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == START_ACTION)
                            .order_by(AuditEntry.id.desc()).limit(1)).first()
    if entry is None:
        return None
    return Start(date.fromisoformat(entry.changes["week1"]), store.as_utc(entry.at))


def current_week(plan: Start | None, today: date) -> int | None:
    """The week of the plan ``today`` falls in (1-12); None before week 1 or after week 12."""
    if plan is None:
        return None
    week = (today - plan.week1).days // 7 + 1
    return week if 1 <= week <= WEEKS else None


def window(week1: date, number: int) -> tuple[date, date]:
    """The first and the last day of stage ``number`` when week 1 begins on ``week1``."""
    starts = week1 + timedelta(days=STAGE_DAYS * (number - 1))
    return starts, starts + timedelta(days=STAGE_DAYS - 1)


def _status(check: Check, starts: date, due: date, today: date) -> tuple[str, str | None]:
    """The stage's status, and for a done one whether it finished early, on time or late."""
    if check.done_at is not None:
        finished = check.done_at.date()
        return "done", ("early" if finished < starts else "late" if finished > due
                        else "on time")
    if today > due:
        return "late", None
    if today >= starts or check.begun:
        return "in_progress", None
    return "not_started", None


def rows(session: Session, today: date) -> list[dict[str, Any]]:
    """The six stages as they stand on ``today``; before ``start`` they are laid out from today
    and none has begun."""
    plan = started(session)
    week1 = plan.week1 if plan else today
    since = plan.at if plan else None
    found = []
    for stage in STAGES:
        starts, due = window(week1, stage.number)
        check = deliverables.CHECKS[stage.number](session, since) if since else NOT_STARTED
        status, finished = (_status(check, starts, due, today) if plan
                            else ("not_started", None))
        found.append({
            "stage": stage.number, "name": stage.name, "weeks": stage.weeks,
            "starts": starts.isoformat(), "due": due.isoformat(),
            "activities": list(stage.activities), "habits": list(stage.habits),
            "deliverable": stage.deliverable, "status": status, "finished": finished,
            "done_on": check.done_at.date().isoformat() if check.done_at else None,
            "missing": check.missing, "hint": check.hint,
        })
    return found


def overview(session: Session, today: date) -> dict[str, Any]:
    """Where the plan stands: its start, this week, this week's stage and the habits' streaks."""
    plan = started(session)
    week = current_week(plan, today)
    return {"started": plan.week1.isoformat() if plan else None, "week": week,
            "stage": (week + 1) // 2 if week else None,
            "habits": habits.streaks(session, plan.at, today) if plan else []}


def next_step(session: Session, today: date) -> dict[str, Any] | None:
    """The one next action: start the plan; else the earliest stage that is due or under way
    and not done; else the earliest not done (working ahead is allowed); None when all are."""
    found = rows(session, today)
    if started(session) is None:
        return found[0]
    open_ = [r for r in found if r["status"] != "done"]
    begun = [r for r in open_ if date.fromisoformat(r["starts"]) <= today]
    return (begun or open_)[0] if open_ else None
