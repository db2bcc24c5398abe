"""The server's alert checks: every ``alert_minutes`` it runs the review, which checks each alert
rule on the saved insights and records the outcome on the rule (the review page and
``needle alert list`` show it). A workspace without rules is not reviewed."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from needle.errors import NeedleError, UserError
from needle.repeating import Repeating
from needle.workspace import Workspace

log = logging.getLogger("needle.alerts")


def check_alerts(root: Path, overrides: Mapping[str, Any]) -> int:
    """Review the workspace when it has alert rules; the number of rules firing."""
    with Workspace.open(root, overrides) as workspace:
        if not workspace.alerts():
            return 0
        workspace.review()
        return sum(1 for rule in workspace.alerts() if rule.firing)


def alert_minutes(value: float) -> float:
    """The ``alert_minutes`` setting, refused when negative (0 turns the checks off)."""
    if value < 0:
        raise UserError(f"setting alert_minutes {value:g}: write 0 (no checks) or more minutes",
                        field="alert_minutes", value=value)
    return value


class AlertSchedule:
    """Runs ``check`` now and then every ``minutes`` on its own thread until stopped."""

    def __init__(self, check: Callable[[], int], minutes: float) -> None:
        self.check = check
        self.passes = 0
        self._repeating = Repeating(self._pass, minutes * 60, "needle-alerts")

    def start(self) -> None:
        if self._repeating.seconds > 0:
            self._repeating.start()

    def stop(self) -> None:
        self._repeating.stop()

    def _pass(self) -> None:
        try:
            firing = self.check()
            if firing:
                log.warning("%d alert rule(s) firing; see /review", firing)
        except NeedleError as exc:  # no events yet, a busy store: the next pass retries
            log.info("alert check skipped: %s", exc)
        except Exception:  # keep serving; the next pass tries again
            log.exception("alert check failed")
        self.passes += 1
