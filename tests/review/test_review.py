"""The weekly review on the demo product: the planted incident and launch are found with their
causes, and normal weeks raise no alert (checked against the demo's ground truth, which the
review itself never reads)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from needle.artifacts.journal import week_of
from needle.cli.review import REVIEW
from needle.cli.shapes import as_json, mismatches
from needle.demo.truth import TRUTH
from needle.errors import UserError
from needle.review.render import html, markdown
from needle.review.review import label
from needle.workspace import Workspace


def _week(day: int, shift_weeks: int = 0) -> str:
    period = week_of(TRUTH.day_date(day) + timedelta(weeks=shift_weeks))
    return label(period)


INCIDENT_WEEK = _week(TRUTH.incident.start_day)
LAUNCH_WEEK = _week(TRUTH.launch.day)
NORMAL_WEEKS = (_week(TRUTH.launch.day, -3), _week(TRUTH.incident.start_day, 2))


def test_incident_week_flags_the_drop_with_its_cause(demo: Workspace) -> None:
    review = demo.review(INCIDENT_WEEK)
    incident = TRUTH.incident
    first, last = (TRUTH.day_date(incident.start_day + k) for k in (0, incident.days - 1))
    drops = [a for a in review.anomalies if a.metric == f"{incident.event} events"]
    assert len(drops) == 1 and drops[0].direction == "fell" and first <= drops[0].day <= last
    cause = [d for d in drops[0].drivers if d.kind == "property"]
    assert [(d.event, d.property, d.value) for d in cause] == [
        (incident.error_event, "$exception_message", incident.error_message)]
    assert cause[0].share is not None and cause[0].share > 0.9
    assert incident.error_message in review.observation


def test_launch_week_flags_the_onboarding_step(demo: Workspace) -> None:
    review = demo.review(LAUNCH_WEEK)
    launch = TRUTH.launch
    moved = [a for a in review.anomalies if a.metric.endswith(
        f"{launch.step_from} → {launch.step_to}")]
    assert len(moved) == 1 and moved[0].direction == "rose" and moved[0].ratio
    assert moved[0].day >= TRUTH.day_date(launch.day)
    assert moved[0].expected == pytest.approx(launch.rate_before, abs=0.05)
    assert [d.kind for d in moved[0].drivers] == ["funnel step"]


@pytest.mark.parametrize("week", NORMAL_WEEKS)
def test_a_normal_week_raises_no_alert(demo: Workspace, week: str) -> None:
    review = demo.review(week)
    assert review.anomalies == []
    assert review.observation.startswith("No anomaly this week")


def test_key_metrics_compare_weeks(demo_workspace: Workspace) -> None:
    review = demo_workspace.review(INCIDENT_WEEK)
    rows = {m.name: m for m in review.metrics}
    assert {"activation-funnel", "daily-active-people"} <= set(rows)
    assert review.not_reviewed == ["weekly-retention"]
    start = review.period.start
    sql = ("SELECT count(*) FILTER (WHERE timestamp >= TIMESTAMPTZ '{0}') , count(*) FILTER "
           "(WHERE timestamp < TIMESTAMPTZ '{0}') FROM events WHERE event = 'task_completed' AND "
           "timestamp >= TIMESTAMPTZ '{1}' AND timestamp < TIMESTAMPTZ '{2}'").format(
        f"{start} 00:00:00+00:00", f"{start - timedelta(days=7)} 00:00:00+00:00",
        f"{start + timedelta(days=7)} 00:00:00+00:00")
    this_week, last_week = demo_workspace.sql(sql).rows[0]
    row = rows[f"{TRUTH.incident.event} events"]
    assert (row.this_week, row.last_week) == (this_week, last_week)


def test_json_has_its_declared_shape_and_markdown_renders(demo_workspace: Workspace) -> None:
    review = demo_workspace.review(INCIDENT_WEEK)
    assert mismatches(as_json(json.loads(json.dumps(review.to_json()))), REVIEW) == []
    text = markdown(review)
    assert text.startswith(f"# Weekly review {INCIDENT_WEEK}")
    assert "## Anomalies" in text and "| task_completed events |" in text
    assert "<h2>Anomalies</h2>" in html(review)


@pytest.mark.parametrize(("week", "message"), [
    ("2026-35", "write an ISO week as YYYY-Www"),
    ("2026-W54", "write an ISO week as YYYY-Www"),
    ("2030-W01", "the events run from"),
])
def test_bad_weeks_are_refused(demo_workspace: Workspace, week: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        demo_workspace.review(week)


def test_events_shorter_than_a_week_say_no_week_is_complete(workspace: Workspace,
                                                            tmp_path) -> None:  # type: ignore[no-untyped-def]
    events = tmp_path / "events.csv"
    events.write_text("event,distinct_id,timestamp\nsignup,u1,2024-01-01T10:00:00Z\n"
                      "signup,u2,2024-01-02T10:00:00Z\n", encoding="utf-8")
    workspace.import_events([events])
    with pytest.raises(UserError, match="no complete week of events yet: week 2023-W52: the "
                                        "events run from 2024-01-01 to 2024-01-02"):
        workspace.review()
    assert workspace.review("2024-W01").week == "2024-W01"


def test_a_workspace_without_events_says_so(workspace: Workspace) -> None:
    with pytest.raises(UserError, match="no events yet"):
        workspace.review()
