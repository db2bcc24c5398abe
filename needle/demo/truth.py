"""What the demo product plants in its data: the answers analyses must recover.

Everything here is a constant or is derived from the build's ``days`` and ``seed``. Analyses and
tests read it; the generator reads it too, so the planted effects and the documented ones cannot
drift apart. The evidence's themes live only here (see :func:`evidence_themes`), never in the
stored evidence, so themes must be discovered from the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

PRODUCT = "Tasklane"
START = datetime(2026, 6, 1, tzinfo=UTC)  # a Monday: demo weeks start on Mondays
DEFAULT_SEED = 7
DEFAULT_USERS = 60_000
DEFAULT_DAYS = 120
TEST_USERS = 16_000  # the test suite's demo: builds in seconds, effects still clear
MIN_DAYS = 60
FUNNEL = ("signup", "onboarding_completed", "project_created", "invite_sent")
WEEKDAY_FACTOR = (1.0, 1.04, 1.02, 0.97, 0.88, 0.42, 0.36)  # Monday..Sunday
EVIDENCE_PER_USER = 0.025
MIN_EVIDENCE = 600


@dataclass(frozen=True)
class Launch:
    """Guided onboarding: users who sign up on or after ``day`` complete onboarding more often."""

    name: str
    day: int
    step_from: str
    step_to: str
    rate_before: float
    rate_after: float
    max_delay_hours: float


@dataclass(frozen=True)
class Experiment:
    """A PostHog-style A/B test on new signups; exposure is the first ``$feature_flag_called``."""

    flag: str
    exposure_event: str
    flag_property: str
    variant_property: str
    control: str
    test: str
    start_day: int  # users who sign up in [start_day, end_day) are exposed right after signup
    end_day: int
    metric_event: str
    metric_window_days: int
    project_rate_control: float  # P(project within the window | onboarded), by arm
    project_rate_test: float
    null_event: str
    null_window_days: int
    null_rate_given_onboarded: float
    onboarding_rate: float  # the launch's rate_after: every exposed user signed up after launch

    @property
    def metric_rate_control(self) -> float:
        return self.onboarding_rate * self.project_rate_control

    @property
    def metric_rate_test(self) -> float:
        return self.onboarding_rate * self.project_rate_test

    @property
    def metric_lift(self) -> float:
        """Planted absolute effect on conversion to ``metric_event`` within the window."""
        return self.metric_rate_test - self.metric_rate_control

    @property
    def null_rate(self) -> float:
        """Conversion to ``null_event`` within its window, the same in both arms."""
        return self.onboarding_rate * self.null_rate_given_onboarded


@dataclass(frozen=True)
class Incident:
    """A status-sync bug: a share of ``event`` fails and becomes ``error_event`` instead."""

    event: str
    error_event: str
    error_message: str
    start_day: int
    days: int
    depression: float  # share of ``event`` lost on incident days


@dataclass(frozen=True)
class Theme:
    name: str
    label: str
    share: float  # of all evidence
    trend: str  # rising | falling | steady (weekly counts over the period)
    churns: bool = False  # reporters stop using the product soon after reporting


THEMES = (
    Theme("slow_board_loading", "Boards load slowly", 0.15, "rising"),
    Theme("csv_export_broken", "CSV export is broken", 0.12, "falling"),
    Theme("calendar_sync", "Calendar sync fails", 0.10, "steady"),
    Theme("pricing_confusion", "Pricing and seats are confusing", 0.11, "steady"),
    Theme("mobile_app_crashes", "Mobile app crashes", 0.12, "steady", churns=True),
    Theme("notification_noise", "Too many notifications", 0.10, "steady"),
    Theme("permissions_roles", "Permissions and roles are too coarse", 0.09, "steady"),
    Theme("search_misses", "Search does not find things", 0.08, "steady"),
    Theme("dark_mode", "Wants a dark mode", 0.03, "steady"),
)
NOISE = "noise"  # evidence that fits no theme
NOISE_SHARE = 1.0 - sum(t.share for t in THEMES)
BUG_THEME = "mobile_app_crashes"


@dataclass(frozen=True)
class Churn:
    """Reporters of the bug theme are recent mobile signups whose use ends days after reporting."""

    theme: str
    max_account_age_days: int  # reporter signed up at most this long before reporting
    mean_days_after_report: float  # their remaining lifetime after the report (exponential)
    retention_day: int  # "retained" = any event this many days or more after signup
    min_retention_gap: float  # other reporters' retention exceeds the bug reporters' by this


@dataclass(frozen=True)
class DemoTruth:
    start: datetime
    days: int
    funnel: tuple[str, ...]
    launch: Launch
    experiment: Experiment
    incident: Incident
    themes: tuple[Theme, ...]
    churn: Churn

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=self.days)

    def day_date(self, day: int) -> date:
        return (self.start + timedelta(days=day)).date()


def truth_for(days: int = DEFAULT_DAYS) -> DemoTruth:
    """The planted facts of a demo spanning ``days`` (dates scale with the span)."""
    launch = Launch("guided-onboarding", round(days * 0.5), "signup", "onboarding_completed",
                    rate_before=0.52, rate_after=0.65, max_delay_hours=48.0)
    experiment = Experiment(
        flag="onboarding-checklist", exposure_event="$feature_flag_called",
        flag_property="$feature_flag", variant_property="$feature_flag_response",
        control="control", test="test", start_day=round(days * 0.583), end_day=days - 15,
        metric_event="project_created", metric_window_days=7,
        project_rate_control=0.62, project_rate_test=0.69,
        null_event="integration_connected", null_window_days=14, null_rate_given_onboarded=0.25,
        onboarding_rate=launch.rate_after,
    )
    incident = Incident("task_completed", "$exception", "Failed to update task status (HTTP 409)",
                        start_day=round(days * 0.708), days=3, depression=0.4)
    churn = Churn(BUG_THEME, max_account_age_days=21, mean_days_after_report=4.0,
                  retention_day=30, min_retention_gap=0.25)
    return DemoTruth(START, days, FUNNEL, launch, experiment, incident, THEMES, churn)


TRUTH = truth_for()


def evidence_count(users: int) -> int:
    """How much evidence a demo of ``users`` users holds."""
    return max(MIN_EVIDENCE, round(users * EVIDENCE_PER_USER))


def evidence_themes(seed: int = DEFAULT_SEED, users: int = DEFAULT_USERS,
                    days: int = DEFAULT_DAYS) -> dict[str, str]:
    """Latent theme (or ``"noise"``) of every evidence ``source_id`` of a demo build."""
    # Imported here: the plan is generated from these constants, so it imports this module.
    from needle.demo.plan import plan_evidence

    return {item.source_id: item.theme for item in plan_evidence(seed, users, days)}
