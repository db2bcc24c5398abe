"""The demo opens on work in progress: the planted experiment defined as the README describes it
and analysed, a dashboard of key insights, a goal, and a problem citing crash reports."""

from __future__ import annotations

from needle.artifacts import store
from needle.demo import DemoInfo, evidence_themes
from needle.demo.loop import DECISION_RULE, EXPERIMENT, HYPOTHESIS, INSIGHTS, PROBLEM_EVIDENCE
from needle.demo.truth import BUG_THEME
from needle.evidence.models import Evidence
from needle.workspace import Workspace


def test_the_planted_experiment_is_defined_and_analysed(demo_workspace: Workspace) -> None:
    experiment = demo_workspace.experiment(EXPERIMENT).to_json()
    assert (experiment["exposure_event"], experiment["variant_property"],
            experiment["control"]) == ("$feature_flag_called", "$feature_flag_response",
                                       "control")
    assert [(m["name"], m["kind"], m["event"], m["days"]) for m in experiment["metrics"]] == [
        ("projects", "conversion", "project_created", 7),
        ("integrations", "conversion", "integration_connected", 14)]
    assert (experiment["hypothesis"], experiment["decision_rule"]) == (HYPOTHESIS, DECISION_RULE)
    assert experiment["locked_at"] is not None  # analysed at build


def test_a_dashboard_of_key_insights(demo_workspace: Workspace) -> None:
    [dashboard] = demo_workspace.dashboards()
    assert [i.name for i in dashboard.insights] == [s.name for s in INSIGHTS]
    run = demo_workspace.run_dashboard(dashboard.id)
    assert all(t.error is None and t.result is not None for t in run.tiles)


def test_a_goal_and_a_problem_citing_crash_reports(demo_workspace: Workspace,
                                                   demo: DemoInfo) -> None:
    planted = evidence_themes(demo.seed, demo.users, demo.days)
    with demo_workspace.store.session() as session:
        [problem] = [p for p in store.list_all(session, "problem") if p.status == "open"]
        [goal] = store.list_all(session, "goal")
        cited = [session.get(Evidence, int(link.reference))
                 for link in store.links_of(problem, "evidence")]
        assert problem.status == "open" and len(cited) == PROBLEM_EVIDENCE
        assert {planted[e.source_id] for e in cited if e} == {BUG_THEME}
        assert {e.kind for e in cited if e} == {"ticket", "survey", "interview"}
        assert goal.fields["baseline"]["value"] is not None
        assert goal.fields["target"] > goal.fields["baseline"]["value"]


def test_the_guided_onboarding_trail_ends_in_a_ship_post_with_real_numbers(
        demo_workspace: Workspace) -> None:
    [ship] = demo_workspace.artifacts("ship")
    result = demo_workspace.artifact("ship", ship["id"])["fields"]["result"]
    assert result["metric"] == "conversion:signup>onboarding_completed@7d"
    assert result["after"]["value"] > result["before"]["value"]  # the planted launch lifts it
    assert result["distinguishable"] is True
    [proposal] = demo_workspace.artifacts("proposal")
    assert proposal["status"] == "shipped"
    assert {a["status"] for a in demo_workspace.artifacts("bet")} == {"candidate"}
    assert len(demo_workspace.artifacts("decision")) == 2
    assert len(demo_workspace.artifacts("teardown")) == 1
