"""The demo's own work in progress, so that its first open shows the product loop: the planted
experiment defined and analysed, key insights on a dashboard, a goal, and a problem citing
evidence.

The demo's evidence plants no theme about onboarding, so its problem is the one the evidence
does hold: mobile crashes reported by new users who then leave (the planted churn). Its pieces
are chosen from the generator's ground truth, oldest first, one kind after another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from itertools import chain, zip_longest
from typing import Any

from sqlalchemy import select

from needle.analytics import kinds
from needle.artifacts import goals, problems, store
from needle.artifacts.links import Link
from needle.artifacts.proposals import baseline
from needle.demo.truth import BUG_THEME, DemoTruth, evidence_themes
from needle.evidence.models import Evidence
from needle.experiments.definitions import ExperimentSpec, mark_guardrails
from needle.workspace import Workspace

EXPERIMENT = "onboarding"
EXPERIMENT_METRICS = ("projects=conversion:project_created:7",
                      "integrations=conversion:integration_connected:14")
HYPOTHESIS = "A checklist gets more new users to a first project"
DECISION_RULE = "Ship if projects rises significantly and integrations does not fall"


@dataclass(frozen=True)
class SavedInsight:
    name: str
    kind: str
    options: dict[str, Any]
    description: str


INSIGHTS = (
    SavedInsight("activation-funnel", "funnel",
                 {"steps": ["signup", "onboarding_completed", "project_created"],
                  "window": "7d"}, "Signup to onboarding to a first project, within a week"),
    SavedInsight("weekly-retention", "retention",
                 {"start_event": "signup", "return_event": "task_completed", "period": "week",
                  "periods": 8}, "Signup cohorts by week: who comes back to complete a task"),
    SavedInsight("daily-active-people", "trend",
                 {"events": ["any"], "measure": "users", "interval": "day"},
                 "People active each day"),
)
DASHBOARD = ("Key metrics", "Activation, retention and activity, reviewed every Monday")
GOAL_METRIC = "conversion:signup>project_created@7d"
GOAL_TARGET = 0.5
GOAL_DAYS = 90  # due this long after the demo's last day
PROBLEM_EVIDENCE = 6


def add_loop(workspace: Workspace, truth: DemoTruth, seed: int, users: int) -> None:
    """Define and analyse the experiment, save the insights on a dashboard, set the goal, write
    the problems and the guided onboarding's trail: bets, the proposal and its approval, the
    decisions, the ship post and a competitor's teardown."""
    add_experiment(workspace)
    add_dashboard(workspace)
    add_problem(workspace, evidence_ids(workspace, seed, users, truth.days))
    add_goal(workspace, truth)
    add_onboarding_trail(workspace, truth)


def add_experiment(workspace: Workspace) -> None:
    metrics = mark_guardrails([workspace.experiment_metric(text) for text in EXPERIMENT_METRICS],
                              ["integrations"], ["projects=leading", "integrations=lagging"])
    workspace.create_experiment(ExperimentSpec(
        name=EXPERIMENT, exposure_event="$feature_flag_called",
        variant_property="$feature_flag_response", metrics=metrics, hypothesis=HYPOTHESIS,
        decision_rule=DECISION_RULE, control="control"))
    workspace.analyze_experiment(EXPERIMENT)


def add_dashboard(workspace: Workspace) -> None:
    dashboard = workspace.create_dashboard(*DASHBOARD)
    for saved in INSIGHTS:
        spec = kinds.get(saved.kind).parse(saved.options)
        workspace.save_insight(saved.name, spec, saved.description)
        workspace.add_to_dashboard(dashboard.id, saved.name)


def evidence_ids(workspace: Workspace, seed: int, users: int, days: int) -> list[int]:
    """Crash reports, oldest first, taking each kind in turn (tickets, surveys, interviews)."""
    truth = evidence_themes(seed, users, days)
    with workspace.store.session() as session:
        pieces = [e for e in session.scalars(select(Evidence).order_by(Evidence.created_at,
                                                                       Evidence.id))
                  if truth.get(e.source_id or "") == BUG_THEME]
    by_kind = [[e.id for e in pieces if e.kind == kind] for kind in ("ticket", "survey",
                                                                      "interview")]
    mixed = [i for i in chain.from_iterable(zip_longest(*by_kind)) if i is not None]
    return mixed[:PROBLEM_EVIDENCE]


def add_problem(workspace: Workspace, cited: list[int]) -> None:
    with workspace.store.session() as session:
        problem = store.create(
            session, "problem", "Mobile app crashes drive new users away", workspace.author,
            {"statement": "People who signed up recently report that the mobile app crashes "
                          "(lost comments, boards that will not open) and stop using Tasklane "
                          "within days of writing in.",
             "affected": "New users on the iOS and Android apps"},
            [Link("evidence", str(i)) for i in cited])
        problems.check_status(session, problem, "open")
        store.update(session, problem, {"status": "open"}, workspace.author)


def add_goal(workspace: Workspace, truth: DemoTruth) -> None:
    due = truth.day_date(truth.days - 1) + timedelta(days=GOAL_DAYS)
    with workspace.store.session() as session:
        goals.create(session, workspace.engine, "Half of new users start a project in their "
                     "first week", workspace.author,
                     {"metric": GOAL_METRIC, "target": GOAL_TARGET, "due": due.isoformat(),
                      "notes": "Measured on signups of the latest four complete weeks."})


ONBOARDING_METRIC = "conversion:signup>onboarding_completed@7d"
LEAD = "Maya Chen (Head of Product)"


def add_onboarding_trail(workspace: Workspace, truth: DemoTruth) -> None:
    """The guided onboarding from problem to ship post, dated as the events have it."""
    launch = truth.day_date(truth.launch.day)
    problem = workspace.create_problem(
        "New users stall before their first project",
        {"statement": "Many people who sign up never finish onboarding, and fewer still create "
                      "a project in their first week.", "affected": "New signups"},
        links=["query:conversion:onboarding_completed>project_created@7d"])["id"]
    bet = workspace.create_bet("Guided onboarding", {
        "problem": problem, "impact": 2, "effort": 3, "confidence": 0.8,
        "confidence_reason": "the funnel loses most people at this step"})["id"]
    workspace.create_bet("Sample projects on signup", {"problem": problem, "impact": 1,
                                                      "effort": 2})
    as_of = (launch - timedelta(days=1)).isoformat()
    before = baseline(workspace.engine, ONBOARDING_METRIC, as_of)["value"]
    proposal = workspace.create_proposal("Guided onboarding", {
        "problem": problem, "bet": bet,
        "solution": "Walk each new team through creating its first board, step by step.",
        "scope": "Web app only; the mobile apps follow if it works.",
        "metric": ONBOARDING_METRIC, "metric_kind": "leading",
        "guardrails": [{"metric": "conversion:signup>project_created@7d", "kind": "lagging"}],
        "target": round(min(before + 0.05, 0.99), 2),
        "decision_rule": "Keep it if onboarding completion rises and first projects do not fall",
        "timeline": [f"{launch - timedelta(days=14)}: beta with ten teams", f"{launch}: launch"],
    }, as_of=as_of)["id"]
    workspace.respond_to_proposal(proposal, "approved", LEAD,
                                  "The drop-off is the largest in the funnel",
                                  "Name the guardrail before the target")
    for title, days_before, alternative in (
            ("Ship guided onboarding to everyone", 3, "an A/B test first"),
            ("Test the setup checklist as an experiment", -5, "ship it with the onboarding")):
        workspace.log_decision(title, {
            "decided_by": LEAD, "decided_on": (launch - timedelta(days=days_before)).isoformat(),
            "alternative": alternative, "importance": 4,
            "rationale": "The onboarding funnel and the support tickets point the same way."},
            [f"proposal:{proposal}"])
    workspace.publish_ship("Guided onboarding", {
        "proposal": proposal, "shipped_on": launch.isoformat(),
        "what": "A guided first run that walks each new team to its first board.",
        "learned": "Showing the next step did more than documenting it; the setup checklist "
                   "experiment tests the next idea."})
    workspace.create_teardown("Asana's first-project checklist", {
        "competitor": "Asana", "shipped": "a checklist that creates a sample project on signup",
        "why": "to get new teams to a first project in the first session",
        "better": "new users see a real project at once",
        "worse": "the sample project has to be deleted by hand",
        "sources": ["https://asana.com/guide", "a call with a customer who moved from Asana"]})

