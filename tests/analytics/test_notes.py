"""Answers that would read as true zeros say why: an unknown event name (with the nearest known
one), a range without events, an empty lake, a retention without cohorts. The library returns
notes; the CLI prints one warning line each on stderr, and the range it answered."""

from __future__ import annotations

import json
from datetime import date

import pytest

from needle.analytics import kinds
from needle.analytics.notes import (
    EMPTY_LAKE,
    NO_COHORT,
    NO_EVENTS_IN_RANGE,
    UNKNOWN_EVENT,
    nearest,
    notes,
    unknown_events,
)
from needle.analytics.results import Cohort, RetentionResult
from needle.analytics.specs import DateRange
from tests.analytics.conftest import D, H, ev, table

ROWS = [  # 2024-01-01 to 2024-01-10
    ev("u", "visit", 0),
    ev("u", "signup", H),
    ev("u", "project_created", 2 * H),
    ev("v", "visit", D),
    ev("v", "signup", 9 * D),
]
KNOWN = frozenset({"visit", "signup", "project_created", "$pageview"})
DAYS = (date(2024, 1, 1), date(2024, 1, 10))


@pytest.mark.parametrize(("name", "suggestion"), [
    ("signpu", "signup"),
    ("Signup", "signup"),
    ("SIGNUP", "signup"),
    ("project_create", "project_created"),
    ("pageview", "$pageview"),
    ("checkout_completed", None),
])
def test_nearest_known_name(name: str, suggestion: str | None) -> None:
    assert nearest(name, KNOWN) == suggestion


@pytest.mark.parametrize(("kind", "options", "unknown"), [
    ("funnel", {"steps": ["visit", "signpu"]}, ["signpu"]),
    ("funnel", {"steps": ["visit", "signup"], "exclude": ["refund"]}, ["refund"]),
    ("retention", {"start_event": "signup", "return_event": "any"}, []),
    ("retention", {"start_event": "sign_up", "return_event": "visits"}, ["sign_up", "visits"]),
    ("trend", {"events": ["any", "visit", "nope", "nope"]}, ["nope"]),
    ("stickiness", {"event": "Visit"}, ["Visit"]),
    ("lifecycle", {"event": "visit"}, []),
    ("paths", {"event": "projects"}, ["projects"]),
])
def test_unknown_events_of_every_kind(kind: str, options: dict, unknown: list[str]) -> None:
    found = unknown_events(kinds.build(kind, **options), KNOWN)
    assert [n.value for n in found] == unknown
    assert all(n.code == UNKNOWN_EVENT and "\n" not in n.message for n in found)


def test_unknown_event_message() -> None:
    [note] = unknown_events(kinds.build("trend", events=["signpu"]), KNOWN)
    assert note.message == "unknown event 'signpu' (did you mean 'signup'?)"
    assert note.suggestion == "signup"
    [bare] = unknown_events(kinds.build("trend", events=["zzz_qqq"]), KNOWN)
    assert bare.message == "unknown event 'zzz_qqq'"


def test_a_name_with_control_characters_is_escaped() -> None:
    [note] = unknown_events(kinds.build("trend", events=["a\x1b[31mred\u202e"]), KNOWN)
    assert "\x1b" not in note.message and "\u202e" not in note.message


WHOLE = DateRange(*DAYS)


def _retention(users: int, dates: DateRange = WHOLE) -> RetentionResult:
    return RetentionResult("week", (Cohort(date(2024, 1, 1), users, (users,)),), dates=dates)


@pytest.mark.parametrize(("result", "known", "days", "codes"), [
    (_retention(2), KNOWN, DAYS, []),
    (_retention(0), KNOWN, DAYS, [NO_COHORT]),
    (_retention(0, DateRange(date(2023, 1, 1), date(2023, 1, 7))), KNOWN, DAYS,
     [NO_EVENTS_IN_RANGE]),
    (_retention(0, DateRange(date(2024, 1, 11), date(2024, 2, 1))), KNOWN, DAYS,
     [NO_EVENTS_IN_RANGE]),
    (_retention(0, DateRange(date(2023, 12, 1), date(2024, 1, 1))), KNOWN, DAYS, [NO_COHORT]),
    (_retention(0), frozenset(), None, [EMPTY_LAKE]),
])
def test_notes_on_results(result: RetentionResult, known: frozenset[str],
                          days: tuple[date, date] | None, codes: list[str]) -> None:
    spec = kinds.build("retention", start_event="signup")
    assert [n.code for n in notes(spec, result, known, days)] == codes


def test_sql_gets_no_notes() -> None:
    spec = kinds.build("sql", sql="SELECT 1")
    assert notes(spec, None, frozenset(), None) == []


def test_workspace_notes(workspace) -> None:
    workspace.lake.append(table(ROWS))
    spec = kinds.build("trend", events=["signpu"], start="2023-01-01", end="2023-01-02")
    found = workspace.notes(spec, workspace.query(spec))
    assert [n.code for n in found] == [UNKNOWN_EVENT, NO_EVENTS_IN_RANGE]
    assert found[1].message == ("no events between 2023-01-01 and 2023-01-02; the events run "
                                "from 2024-01-01 to 2024-01-10")


# -- the CLI -------------------------------------------------------------------------------------

@pytest.fixture
def loaded(workspace, cli):
    workspace.lake.append(table(ROWS))
    return cli


@pytest.mark.parametrize("args", [
    ["trend", "signpu"],
    ["funnel", "visit", "signpu"],
    ["retention", "--start-event", "signpu"],
    ["stickiness", "signpu"],
    ["lifecycle", "signpu"],
    ["paths", "signpu"],
])
@pytest.mark.parametrize("as_json", [False, True])
def test_an_unknown_event_is_one_warning_line(loaded, args: list[str], as_json: bool) -> None:
    result = loaded("query", *args, *(["--json"] if as_json else []))
    assert result.stderr == "warning: unknown event 'signpu' (did you mean 'signup'?)\n"
    if as_json:
        json.loads(result.stdout)


def test_known_events_print_no_warning(loaded) -> None:
    assert loaded("query", "trend", "signup", "visit").stderr == ""


def test_an_empty_lake_says_so(cli) -> None:
    result = cli("query", "trend", "visit")
    assert result.stderr.startswith("warning: the event lake is empty; import some with")
    assert result.stderr.count("\n") == 1


def test_a_retention_without_cohorts_says_so(loaded) -> None:
    result = loaded("query", "retention", "--start-event", "project_created",
                    "--from", "2024-01-02", "--to", "2024-01-10", "--period", "day")
    assert result.stderr == ("warning: no cohort: nobody did 'project_created' between "
                             "2024-01-02 and 2024-01-10\n")


def test_a_range_without_events_says_so(loaded) -> None:
    result = loaded("query", "funnel", "visit", "signup", "--to", "2023-06-30")
    assert result.stderr == ("warning: no events between 2023-06-01 and 2023-06-30; the events "
                             "run from 2024-01-01 to 2024-01-10\n")


@pytest.mark.parametrize(("args", "title"), [
    (["trend", "visit"], "2024-01-04 to 2024-01-10 (UTC)"),
    (["trend", "visit", "--interval", "hour"], "2024-01-10 (UTC)"),
    (["funnel", "visit", "signup"], "2023-12-12 to 2024-01-10 (UTC)"),
    (["retention", "--start-event", "visit"], "2023-11-20 to 2024-01-10 (UTC)"),
    (["stickiness", "visit", "--from", "2024-01-02"], "2024-01-02 to 2024-01-10 (UTC)"),
    (["lifecycle", "visit", "--to", "2024-01-05"], "2023-12-30 to 2024-01-05 (UTC)"),
    (["paths", "visit", "--from", "2024-01-01"],
     "2 people; events after visit; 2024-01-01 to 2024-01-10 (UTC)"),
])
def test_tables_say_the_days_they_cover(loaded, args: list[str], title: str) -> None:
    out = loaded("query", *args).stdout
    assert title in " ".join(out.split())
    assert json.loads(loaded("query", *args, "--json").stdout)["dates"]["end"] == (
        title.split(" (UTC)")[0][-10:])


@pytest.mark.parametrize("kind", ["trend visit", "funnel visit signup",
                                  "retention --start-event visit", "stickiness visit",
                                  "lifecycle visit", "paths visit"])
@pytest.mark.parametrize("dates", [["--from", "2024-01-11"], ["--from", "2999-01-01"],
                                   ["--to", "1800-01-01"], ["--from", "2024-01-05", "--to",
                                                            "2024-01-01"]])
def test_a_bad_range_is_one_line_for_every_kind(loaded, kind: str, dates: list[str]) -> None:
    result = loaded("query", *kind.split(), *dates, ok=False)
    assert result.exit_code == 1 and result.exception is not None
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "(see --from)" in result.stderr or "(see --to)" in result.stderr


def test_a_saved_insight_warns_like_its_query(loaded) -> None:
    loaded("insight", "save", "typo", "trend", "signpu")
    result = loaded("insight", "run", "typo", "--json")
    assert result.stderr == "warning: unknown event 'signpu' (did you mean 'signup'?)\n"
    json.loads(result.stdout)
