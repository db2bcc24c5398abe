"""Journal, goals, teardowns, the editor round trip, the plan and bad input, via the CLI."""

from __future__ import annotations

import sys

import pytest

from needle.artifacts import store
from tests.artifacts.tinyproduct import LAUNCH, METRIC

pytestmark = pytest.mark.parametrize("store_kind", ["sqlite"], indirect=True)
DAY = LAUNCH.date().isoformat()


def _one_line_error(result, text: str) -> None:  # type: ignore[no-untyped-def]
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert text in result.stderr


def test_bad_input_is_one_line_and_changes_nothing(needle) -> None:
    _one_line_error(needle("goal", "new", "Faster", "--metric", METRIC, "--target", "0.7",
                           ok=False),
                    "a goal needs a date (YYYY-MM-DD); it is not measurable without it (see --by)")
    _one_line_error(needle("problem", "new", "P", "-e", "1", "-e", "424242", ok=False),
                    "unknown evidence id 424242")
    assert needle.json("goal", "list") == [] and needle.json("problem", "list") == []
    _one_line_error(needle("bet", "new", "B", "--problem", "1", ok=False), "no problem with id 1")


def test_a_bet_with_an_absurd_score_is_refused_and_the_ranking_still_works(needle) -> None:
    needle("problem", "new", "Cards do not arrive", "-e", "1", "-e", "2")
    needle("bet", "new", "Courier tracking", "--problem", "1", "--impact", "2", "--effort", "3")
    for args, text in [
        (("--impact", "7"), "impact 7: RICE impact is one of 0.25, 0.5, 1, 2 or 3 (see --impact)"),
        (("--effort", "inf"), "effort inf: it must be a finite number (see --effort)"),
        (("--method", "weighted"), "a weighted bet needs criteria"),
        (("--method", "weighted", "--criterion", "cost=1:2", "--criterion", "cost=3:4"),
         "criterion 'cost' is given twice"),
    ]:
        _one_line_error(needle("bet", "new", "Absurd", "--problem", "1", *args, ok=False), text)
    _one_line_error(needle("bet", "edit", "2", "--method", "ice", "--ease", "0", ok=False),
                    "ease 0: it must be from 1 to 10")
    assert [b["title"] for b in needle.json("bet", "rank")] == ["Courier tracking"]


def test_ranking_the_bets_of_a_problem_that_does_not_exist_is_refused(needle) -> None:
    needle("problem", "new", "Cards do not arrive", "-e", "1")
    needle("bet", "new", "Courier tracking", "--problem", "1", "--impact", "2", "--effort", "3")
    _one_line_error(needle("bet", "rank", "--problem", "999", ok=False), "no problem with id 999")
    _one_line_error(needle("bet", "rank", "--problem", "2", ok=False), "no problem with id 2")
    assert [b["title"] for b in needle.json("bet", "rank", "--problem", "1")] == [
        "Courier tracking"]


@pytest.mark.parametrize(("metric", "target", "text"), [
    (METRIC, "1.5", "target 1.5 is not a rate: write 60% as 0.6; the goal could never be met"),
    (METRIC, "nan", "target nan is not a finite number"),
    ("per_user:invite_sent", "inf", "target inf is not a finite number"),
    ("per_user:invite_sent", "-3", "target -3 is below zero, which invite_sent per active user"),
    ("median_days:signup>onboarding_completed", "-1", "target -1 is below zero"),
])
def test_a_goal_that_could_never_be_met_is_refused(needle, metric, target, text) -> None:
    _one_line_error(needle("goal", "new", "Impossible", "--metric", metric, "--target", target,
                           "--by", "2027-03-31", ok=False), text)
    assert needle.json("goal", "list") == []


def test_a_goal_at_its_baseline_is_refused(needle) -> None:
    needle("goal", "new", "Onboard most signups", "--metric", METRIC, "--target", "0.8",
           "--by", "2027-03-31")
    baseline = needle.json("goal", "show", "1")["fields"]["baseline"]["value"]
    for args in (("goal", "new", "Stand still", "--metric", METRIC, "--target", repr(baseline),
                  "--by", "2027-03-31"), ("goal", "edit", "1", "--target", repr(baseline))):
        _one_line_error(needle(*args, ok=False), "is the baseline already; a goal moves its metric")
    assert [g["fields"]["target"] for g in needle.json("goal", "list")] == [0.8]


def test_journal_week_and_sprint_top(ws, needle) -> None:
    needle("journal", "log", "Drop the tour", "--on", "2026-06-22", "--importance", "2",
           "--by", "Cleo")
    with ws.store.session() as session:
        for title, on, importance in (("Guided onboarding", DAY, 5), ("Rename boards", DAY, 1),
                                      ("Old call", "2026-06-01", 5)):
            store.create(session, "decision", title, "ada", {
                "decided_by": "Cleo", "decided_on": on, "importance": importance})
    week = needle.json("journal", "--week", "--on", DAY)
    assert [d["title"] for d in week] == ["Guided onboarding", "Rename boards"]
    top = needle.json("journal", "top", "2", "--sprint", "--on", DAY)
    assert [d["title"] for d in top] == ["Guided onboarding", "Drop the tour"]
    page = needle("journal", "top", "5", "--sprint", "--on", DAY).stdout
    assert "no data linked: decided on judgement" in page and "Old call" not in page
    needle("journal", "outcome", "2", "Onboarding rate rose 16 points")
    assert needle.json("journal", "show", "2")["status"] == "reviewed"


def test_goal_status_is_measured_from_live_data(needle) -> None:
    needle("goal", "new", "Onboard most signups", "--metric", METRIC, "--target", "0.8",
           "--by", "2027-03-31")
    [status] = needle.json("goal", "status")
    assert status["baseline"] == status["current"] and 0.6 < status["current"] < 0.75
    assert status["verdict"] == "in progress" and status["sql"].startswith("SELECT avg(x)")


def test_editor_round_trip_history_and_export(needle, monkeypatch, tmp_path) -> None:
    needle("teardown", "new", "Asana checklists", "--competitor", "Asana", "--source", "blog")
    script = "import sys,re; p=sys.argv[1]; t=open(p).read(); " \
             "open(p,'w').write(t.replace('why: null', 'why: activation').replace(" \
             "'competitor: Asana', 'competitor: Asana Inc'))"
    monkeypatch.setenv("EDITOR", f"{sys.executable} -c \"{script}\"")
    needle("teardown", "edit", "1")
    shown = needle.json("teardown", "show", "1")
    assert shown["fields"]["why"] == "activation" and shown["fields"]["competitor"] == "Asana Inc"
    history = needle.json("teardown", "history", "1")
    assert [h["action"] for h in history] == ["create", "edit"]
    assert history[1]["changes"]["why"] == {"from": None, "to": "activation"}
    broken = "import sys; p=sys.argv[1]; t=open(p).read(); open(p,'w').write(t.replace(" \
             "'why: activation', 'why: [activation'))"
    monkeypatch.setenv("EDITOR", f"{sys.executable} -c \"{broken}\"")
    _one_line_error(needle("teardown", "edit", "1", ok=False),
                    "teardown 1: line 7: front matter is not valid YAML")
    assert needle.json("teardown", "history", "1") == history
    for fmt, start in (("md", b"# Teardown: Asana Inc"), ("html", b"<!doctype html>"),
                       ("pdf", b"%PDF-")):
        target = tmp_path / f"teardown.{fmt}"
        needle("teardown", "export", "1", "-f", fmt, "-o", str(target))
        assert target.read_bytes().startswith(start)


def test_plan_counts_only_artifacts_made_after_it_starts(needle) -> None:
    needle("problem", "new", "Onboarding stalls", "-e", "1", "-e", "2", "-e", "3")
    stages = needle.json("plan")
    assert [s["weeks"] for s in stages] == ["1-2", "3-4", "5-6", "7-8", "9-10", "11-12"]
    assert {s["status"] for s in stages} == {"not_started"}
    assert needle.json("plan", "next")["command"].startswith("needle plan start")
    needle("plan", "start")
    stages = needle.json("plan")
    assert [s["status"] for s in stages] == ["in_progress"] + ["not_started"] * 5
    assert stages[1]["missing"] == "no problem statement yet"  # made before the start
    needle("problem", "new", "Exports fail", "-e", "4", "-e", "5")
    assert needle.json("plan")[1]["missing"] == "problem 2 cites 2 of 3 pieces of evidence"
    needle("problem", "link", "2", "evidence:6")
    stage = needle.json("plan")[1]
    assert (stage["status"], stage["finished"]) == ("done", "early")
    assert needle.json("plan", "next")["stage"] == 1  # the current stage comes first


def test_a_plan_that_would_be_over_already_is_refused(needle) -> None:
    _one_line_error(needle("plan", "start", "--date", "1990-01-01", ok=False),
                    "a plan whose week 1 began on 1990-01-01 ended on 1990-03-25")
    assert needle.json("plan", "next")["status"] == "not_started"
