"""This week in a workspace: what moved and what waits for someone.

Key metrics compare the last seven days of events (ending on the day of the newest event, so a
demo or an export from months ago still has a "this week") with the seven days before; each
carries the statement that counts it, to re-run. Goals are measured now. Themes are those rising
or first seen in the last two weeks of evidence. Experiments wait for a decision until a decision
or a ship post cites them; proposals are past their date when their last milestone has gone by
and they are neither shipped nor refused; decisions are those logged in the calendar week of
``today``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from needle.analytics.engine import Engine, run
from needle.analytics.results import SpanResult, SqlResult
from needle.analytics.specs import SpanQuery, SqlQuery
from needle.artifacts import goals, journal, store
from needle.artifacts.models import Artifact
from needle.errors import UserError
from needle.evidence.models import Evidence
from needle.experiments.models import Experiment
from needle.store import Store
from needle.themes.view import ThemeSummary, list_themes

TOP_EVENTS = 4
NEW_THEME_DAYS = 14
OPEN_PROPOSALS = ("draft", "approved")
_MILESTONE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True)
class KeyMetric:
    """A count over this week and the week before; ``sql`` counts both again."""

    name: str
    event: str | None
    this_week: int
    last_week: int
    sql: str

    @property
    def change(self) -> float | None:
        """Relative change; None when last week had none."""
        return (self.this_week - self.last_week) / self.last_week if self.last_week else None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "event": self.event, "this_week": self.this_week,
                "last_week": self.last_week, "change": self.change, "sql": self.sql}


@dataclass(frozen=True)
class Week:
    today: date
    first: datetime | None  # the first and the newest event
    last: datetime | None
    this_week: journal.Period | None
    last_week: journal.Period | None
    metrics: list[KeyMetric]
    goals: list[goals.GoalStatus]
    themes: list[dict[str, Any]]
    experiments: list[dict[str, Any]]
    proposals: list[dict[str, Any]]
    decisions: list[dict[str, Any]]
    evidence: int

    @property
    def empty(self) -> bool:
        """Nothing to show yet: no events and no evidence."""
        return self.last is None and not self.evidence

    def to_json(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "first": self.first and self.first.isoformat(),
            "last": self.last and self.last.isoformat(),
            "this_week": _period(self.this_week), "last_week": _period(self.last_week),
            "metrics": [m.to_json() for m in self.metrics],
            "goals": [g.to_json() for g in self.goals], "themes": self.themes,
            "experiments": self.experiments, "proposals": self.proposals,
            "decisions": self.decisions, "evidence": self.evidence,
        }


def this_week(store_: Store, engine: Engine, today: date) -> Week:
    span = run(engine, SpanQuery())
    assert isinstance(span, SpanResult)
    now, before = _periods(span.last.date()) if span.last else (None, None)
    metrics = key_metrics(engine, now, before) if now and before else []
    themes = news(list_themes(store_).themes)
    with store_.session() as session:
        return Week(
            today, span.first, span.last, now, before, metrics,
            goal_statuses(session, engine, today) if span.last else [], themes,
            waiting_experiments(session), overdue_proposals(session, today),
            decisions_in(session, journal.week_of(today)),
            session.scalar(select(func.count()).select_from(Evidence)) or 0)


def _periods(last: date) -> tuple[journal.Period, journal.Period]:
    return (journal.Period(last - timedelta(days=6), last),
            journal.Period(last - timedelta(days=13), last - timedelta(days=7)))


def _period(period: journal.Period | None) -> dict[str, str] | None:
    return None if period is None else {"start": period.start.isoformat(),
                                        "end": period.end.isoformat()}


def _counts_sql(measure: str, now: journal.Period, before: journal.Period,
                event: str | None = None) -> str:
    """Counts in each week (``measure`` over the rows of each), optionally of one event."""
    start, split = f"TIMESTAMPTZ '{before.start} 00:00:00+00:00'", \
        f"TIMESTAMPTZ '{now.start} 00:00:00+00:00'"
    end = f"TIMESTAMPTZ '{now.end + timedelta(days=1)} 00:00:00+00:00'"
    only = "" if event is None else " AND event = '" + event.replace("'", "''") + "'"
    return (f"SELECT {measure} FILTER (WHERE timestamp >= {split}) AS this_week, "
            f"{measure} FILTER (WHERE timestamp < {split}) AS last_week FROM events "
            f"WHERE timestamp >= {start} AND timestamp < {end}{only}")


def key_metrics(engine: Engine, now: journal.Period, before: journal.Period) -> list[KeyMetric]:
    """People active, then the most frequent events of this week, each against last week."""
    people = _counts_sql("count(DISTINCT distinct_id)", now, before)
    this, last = _rows(engine, people)[0]
    found = [KeyMetric("people active", None, int(this or 0), int(last or 0), people)]
    top = _counts_sql("count(*)", now, before).replace(
        "SELECT ", "SELECT event, ", 1) + f" GROUP BY event ORDER BY this_week DESC, event " \
        f"LIMIT {TOP_EVENTS}"
    for event, this, last in _rows(engine, top):
        found.append(KeyMetric(f"{event} events", event, int(this), int(last),
                               _counts_sql("count(*)", now, before, event)))
    return found


def _rows(engine: Engine, sql: str) -> tuple[tuple[Any, ...], ...]:
    result = run(engine, SqlQuery(sql))
    assert isinstance(result, SqlResult)
    return result.rows


def goal_statuses(session: Session, engine: Engine, today: date) -> list[goals.GoalStatus]:
    """Every active goal measured now; a goal with nothing to measure says so."""
    found = []
    for goal in store.list_all(session, "goal", "active"):
        try:
            found.append(goals.status(engine, goal, today))
        except UserError:
            f = goal.fields
            found.append(goals.GoalStatus(goal.id, goal.title, f["metric"],
                                          f["baseline"]["value"], None, f["target"], f["due"],
                                          None, "no data", ""))
    return found


def news(themes: list[ThemeSummary]) -> list[dict[str, Any]]:
    """Themes rising, or first seen in the last two weeks of evidence, largest first."""
    newest = max((t.last_seen for t in themes if t.last_seen), default=None)
    out = []
    for theme in themes:
        new = bool(newest and theme.first_seen
                   and theme.first_seen >= newest - timedelta(days=NEW_THEME_DAYS))
        if new or theme.trend.direction == "rising":
            out.append({"id": theme.id, "label": theme.label, "size": theme.size,
                        "direction": theme.trend.direction, "new": new,
                        "first_seen": theme.first_seen, "weeks": theme.trend.counts})
    return out


def waiting_experiments(session: Session) -> list[dict[str, Any]]:
    """Experiments no decision or ship post cites yet, oldest first."""
    decided = {link.reference for kind in ("decision", "ship")
               for artifact in store.list_all(session, kind)
               for link in store.links_of(artifact, "experiment")}
    decided |= {str(a.fields["experiment"]) for a in store.list_all(session, "ship")
                if a.fields.get("experiment")}
    return [{"name": e.name, "hypothesis": e.hypothesis, "decision_rule": e.decision_rule,
             "analysed": e.locked_at is not None,
             "created_at": store.as_utc(e.created_at).isoformat()}
            for e in session.scalars(select(Experiment).order_by(Experiment.id))
            if e.name not in decided]


def due_date(proposal: Artifact) -> date | None:
    """The proposal's last milestone date (``YYYY-MM-DD: what``), if its timeline has one."""
    days = []
    for entry in proposal.fields.get("timeline") or []:
        match = _MILESTONE.match(str(entry))
        if match:
            try:
                days.append(date.fromisoformat(match.group(1)))
            except ValueError:
                continue
    return max(days, default=None)


def overdue_proposals(session: Session, today: date) -> list[dict[str, Any]]:
    out = []
    for status in OPEN_PROPOSALS:
        for proposal in store.list_all(session, "proposal", status):
            due = due_date(proposal)
            if due is not None and due < today:
                out.append({"id": proposal.id, "title": proposal.title,
                            "status": proposal.status, "due": due.isoformat()})
    return sorted(out, key=lambda p: (p["due"], p["id"]))


def decisions_in(session: Session, period: journal.Period) -> list[dict[str, Any]]:
    return [{"id": d.id, "title": d.title, "decided_on": journal.decided_on(d).isoformat(),
             "decided_by": d.fields.get("decided_by"), "informed_by": journal.informed_by(d)}
            for d in journal.in_period(session, period)]
