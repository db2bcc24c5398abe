"""Alert rules on saved insights: stored, checked by the review, their outcome kept."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from needle.errors import UserError
from needle.review.alerts import verdict
from needle.workspace import Workspace
from tests.review.test_review import LAUNCH_WEEK, NORMAL_WEEKS


@pytest.mark.parametrize(("kind", "value", "this_week", "change", "anomalous", "fires"), [
    ("above", 100.0, 120.0, None, False, True),
    ("above", 100.0, 90.0, None, False, False),
    ("below", 0.5, 0.4, None, False, True),
    ("below", 0.5, None, None, False, None),
    ("change", -0.2, 80.0, -0.25, False, True),
    ("change", -0.2, 80.0, -0.1, False, False),
    ("change", 0.2, 80.0, 0.3, False, True),
    ("change", 0.2, 80.0, None, False, None),
    ("anomaly", None, 1.0, 0.0, True, True),
    ("anomaly", None, 1.0, 0.0, False, False),
])
def test_verdicts(kind: str, value: float | None, this_week: float | None,
                  change: float | None, anomalous: bool, fires: bool | None) -> None:
    assert verdict(kind, value, this_week, change, anomalous)[0] is fires


@pytest.fixture
def demo_copy(demo_workspace: Workspace, tmp_path: Path) -> Iterator[Workspace]:
    """A copy of the demo to write rules into (the shared demo is read-only)."""
    shutil.copytree(demo_workspace.root, tmp_path / "ws")
    ws = Workspace.open(tmp_path / "ws")
    yield ws
    ws.close()


def test_a_review_checks_every_rule_and_keeps_the_outcome(demo_copy: Workspace) -> None:
    anomaly = demo_copy.add_alert("activation-funnel", "anomaly")
    retention = demo_copy.add_alert("weekly-retention", "below", 0.1)
    assert demo_copy.alerts()[0].firing is None
    launch = {r.id: r for r in demo_copy.review(LAUNCH_WEEK).alerts}
    assert launch[anomaly.id].firing is True
    assert launch[retention.id].firing is None  # retention has no daily series
    normal = {r.id: r for r in demo_copy.review(NORMAL_WEEKS[0]).alerts}
    assert normal[anomaly.id].firing is False
    stored = {r.id: r for r in demo_copy.alerts()}
    assert (stored[anomaly.id].checked_week, stored[anomaly.id].firing) == (NORMAL_WEEKS[0],
                                                                          False)


def test_threshold_rules_read_the_weeks_value(demo_copy: Workspace) -> None:
    review = demo_copy.review(LAUNCH_WEEK)
    people = next(m for m in review.metrics if m.name == "daily-active-people")
    assert people.this_week is not None
    above = demo_copy.add_alert("daily-active-people", "above", people.this_week - 1)
    below = demo_copy.add_alert("daily-active-people", "below", people.this_week - 1)
    checked = {r.id: r.firing for r in demo_copy.review(LAUNCH_WEEK).alerts}
    assert (checked[above.id], checked[below.id]) == (True, False)


@pytest.mark.parametrize(("args", "message"), [
    (("nope", "anomaly", None), "no insight named 'nope'"),
    (("activation-funnel", "soon", 1.0), "alert kind 'soon'"),
    (("activation-funnel", "above", None), "needs a value"),
    (("activation-funnel", "anomaly", 1.0), "takes no value"),
    (("activation-funnel", "change", 0.0), "non-zero relative change"),
    (("activation-funnel", "above", float("nan")), "alert threshold nan: it must be a finite"),
    (("activation-funnel", "below", float("-inf")), "alert threshold -inf: it must be a finite"),
    (("activation-funnel", "change", float("nan")), "alert threshold nan: it must be a finite"),
    (("activation-funnel", "change", -1.5), "a change alert of -150% could never fire"),
])
def test_bad_rules_are_refused(workspace: Workspace, args: tuple, message: str) -> None:
    from needle.analytics.specs import FunnelQuery, Step

    workspace.save_insight("activation-funnel", FunnelQuery((Step("a"), Step("b"))))
    with pytest.raises(UserError, match=message):
        workspace.add_alert(*args)


def test_removing_a_rule(workspace: Workspace) -> None:
    from needle.analytics.specs import FunnelQuery, Step

    workspace.save_insight("f", FunnelQuery((Step("a"), Step("b"))))
    rule = workspace.add_alert("f", "anomaly")
    workspace.remove_alert(rule.id)
    assert workspace.alerts() == []
    with pytest.raises(UserError, match=f"no alert rule {rule.id}"):
        workspace.remove_alert(rule.id)


def test_a_rule_without_a_threshold_does_not_stop_the_review(workspace: Workspace,
                                                             shared: Path) -> None:
    """A NaN threshold stored by an older version reads back as NULL: the review and the list
    say so for that rule and check the others."""
    from sqlalchemy import text

    from needle.analytics.specs import Series, Step, TrendQuery

    workspace.import_events([shared / "data/retentioneering-synthetic/v5.2.4/ecom.csv.gz"])
    workspace.save_insight("payment-errors", TrendQuery((Series(Step("payment_error")),)))
    broken = workspace.add_alert("payment-errors", "above", 3.0)
    working = workspace.add_alert("payment-errors", "above", 3.0)
    with workspace.store.session() as session:
        session.execute(text("UPDATE alert_rules SET value = NULL WHERE id = :id"),
                        {"id": broken.id})
    checked = {r.id: r for r in workspace.review("2024-W22").alerts}
    assert (checked[broken.id].firing, checked[broken.id].message) == (
        None, "the rule has no threshold; remove it and add it again")
    assert checked[working.id].firing is True  # 42 payment errors in the incident's week
    assert workspace.alerts()[0].text == "payment-errors: above (no threshold)"
