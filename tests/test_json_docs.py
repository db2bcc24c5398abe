"""docs/json.md cannot drift: it is generated from the shapes the code declares, every command with
``--json`` declares one, real outputs have exactly the declared fields, and a query kind added to
the registry shows up in every face."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, ClassVar

import pytest
from typer.testing import CliRunner

from needle.analytics import codec, kinds
from needle.analytics.results import (
    Cohort,
    ExperimentResult,
    FunnelBreakdown,
    FunnelResult,
    FunnelStep,
    HistogramBin,
    LifecyclePeriod,
    LifecycleResult,
    MetricResult,
    PathsResult,
    PathStep,
    Point,
    RetentionBreakdown,
    RetentionResult,
    SpanResult,
    SqlResult,
    StickinessResult,
    TrendResult,
    TrendSeries,
    UserRetentionResult,
    VariantSums,
)
from needle.analytics.tables import Table
from needle.cli import query
from needle.cli.json_reference import json_commands, reference
from needle.cli.main import app, load_command
from needle.cli.reference import help_text
from needle.cli.shapes import (
    Fields,
    Shape,
    as_json,
    check,
    mismatches,
    result_fields,
    shape_of,
)
from needle.demo.look import first_look
from needle.themes.behaviour import BehaviourRow
from needle.themes.groups import ThemeGroup
from needle.themes.trend import Trend
from needle.themes.view import Quote, ThemeList, ThemeSummary
from needle.workspace import Workspace
from tests.artifacts import tinyproduct
from tests.artifacts.conftest import make_workspace

DOCS = Path(__file__).resolve().parents[1] / "docs"
SHAPES = {path: shape_of(command) for path, command in json_commands()}
DAY = tinyproduct.LAUNCH.date().isoformat()


def declared(path: tuple[str, ...]) -> Fields:
    shape = SHAPES[path]
    assert shape is not None
    return shape.fields


def test_json_reference_is_current() -> None:
    current = (DOCS / "json.md").read_text(encoding="utf-8")
    assert current == reference(), "run: make docs"


@pytest.mark.parametrize("path", list(SHAPES), ids=" ".join)
def test_every_json_command_declares_its_shape(path: tuple[str, ...]) -> None:
    assert SHAPES[path] is not None, f"needle {' '.join(path)}: add @json_shape(...)"


# -- query results: one filled-in result per kind ---------------------------------------------

STEP = FunnelStep("visit", 10, 1.0, 4, None, 12.5)
COHORT = Cohort(date(2024, 1, 1), 5, (5, 2))
HOUR = datetime(2024, 1, 1, 5, tzinfo=UTC)
RESULTS = [
    FunnelResult((STEP,), (HistogramBin(0.0, 60.0, 3),), (FunnelBreakdown(None, (STEP,)),)),
    RetentionResult("week", (COHORT,), (RetentionBreakdown("ads", (COHORT,)),)),
    TrendResult("hour", (TrendSeries("visit", (Point(HOUR, 2.0), Point(HOUR, None)), "ads",
                                     "previous"),)),
    TrendResult("day", (TrendSeries("A/B", (Point(date(2024, 1, 1), 0.5),)),)),
    StickinessResult("day", 7, ((1, 30), (2, 4))),
    LifecycleResult("week", (LifecyclePeriod(date(2024, 1, 1), 3, 5, 1, 2),)),
    PathsResult("signup", "after", 40, (PathStep(1, (("activate", 21),)),)),
    SqlResult(("n", "day"), ((1, date(2024, 1, 1)), (None, HOUR)), False),
    ExperimentResult((VariantSums("control", 10, 1.7e9, 1.8e9, (3.0,), (3.0,)),
                      VariantSums(None, 1, 1.7e9, 1.7e9, (0.0,), (0.0,)))),
    MetricResult(0.5, 2, "SELECT 1", ("a", "b"), (1.0, 0.0), "SELECT 2"),
    SpanResult(HOUR, None),
    UserRetentionResult(30, ("a", "b"), (True, False)),
]


def test_every_query_kind_has_a_result_here() -> None:
    assert {kind.result for kind in kinds.KINDS.values()} <= {type(r) for r in RESULTS}


@pytest.mark.parametrize("result", RESULTS, ids=lambda r: type(r).__name__)
def test_query_results_have_their_declared_shape(result: Any) -> None:
    fields = result_fields(type(result))
    assert fields is not None, f"{type(result).__name__} declares no JSON_SHAPE"
    assert mismatches(as_json(result.to_json()), fields) == []


# -- commands run on a small workspace -----------------------------------------------------------

def needle(root: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["-w", str(root), *args])
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result.stdout


def _write_files(folder: Path) -> None:
    folder.mkdir()
    exposed = "".join(f"u{i:05d},exposure,2026-06-10T00:00:00Z,{('test', 'control')[i % 2]}\n"
                      for i in range(200))
    (folder / "exposures.csv").write_text("distinct_id,event,timestamp,variant\n" + exposed
                                          + "u00001,exposure,2026-06-11T00:00:00Z,test\n")
    (folder / "events.csv").write_text("distinct_id,event,timestamp\nu9,visit,2026-06-02T10:00Z\n")
    (folder / "evidence.csv").write_text("text,customer\nThe checklist is great.,u00003\n")
    (folder / "table.csv").write_text("unit,variant,converted\n" + "".join(
        f"{i},{'ab'[i % 2]},{int(i % 3 == 0)}\n" for i in range(60)) + "1,b,1\n")


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny product with one artifact of each kind (ids 1 to 7), an insight, an experiment."""
    base = tmp_path_factory.mktemp("json")
    make_workspace(base / "ws", tinyproduct.events()).close()
    _write_files(base / "files")
    ws, metric = base / "ws", tinyproduct.METRIC
    for args in (
        ("problem", "new", "Onboarding stalls", "-e", "1", "-e", "2", "-e", "3"),
        ("bet", "new", "Checklist", "--problem", "1", "--impact", "2", "--effort", "3"),
        ("proposal", "new", "Checklist", "--problem", "1", "--bet", "2", "--metric", metric,
         "--target", "0.6", "--rule", "keep if +3 pts", "--as-of", DAY),
        ("proposal", "respond", "3", "approved", "--by", "Cleo", "--why", "cheap"),
        ("ship", "new", "Checklist", "--proposal", "3", "--shipped-on", DAY, "--weeks", "2",
         "-e", "4"),
        ("goal", "new", "Onboard most", "--metric", metric, "--target", "0.8",
         "--by", "2027-03-31"),
        ("journal", "log", "Ship the checklist", "--on", DAY, "--link", "proposal:3"),
        ("teardown", "new", "Asana checklists", "--competitor", "Asana"),
        ("insight", "save", "onboarding", "funnel", "signup", "onboarding_completed"),
        ("dashboard", "new", "Weekly"),
        ("dashboard", "add", "1", "onboarding"),
        ("events", "import", str(base / "files" / "exposures.csv"), "--user-col", "distinct_id",
         "--event-col", "event", "--time-col", "timestamp"),
        ("experiment", "create", "checklist", "--exposure-event", "exposure", "--variant-prop",
         "variant", "--control", "control", "--metric", "conversion:onboarding_completed:7",
         "--hypothesis", "a checklist helps", "--decision-rule", "ship if it rises"),
    ):
        needle(ws, *args)
    return ws


CASES: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
    (("settings",), ()),
    (("events", "import"), ("{files}/events.csv", "--user-col", "distinct_id", "--event-col",
                            "event", "--time-col", "timestamp")),
    (("events", "stats"), ()),
    (("evidence", "import"), ("{files}/evidence.csv", "--text-col", "text", "--customer-col",
                              "customer")),
    (("evidence", "list"), ("--limit", "3")),
    (("evidence", "show"), ("1",)),
    (("evidence", "search"), ("onboarding",)),
    (("query", "funnel"), ("signup", "onboarding_completed", "--breakdown", "plan")),
    (("query", "funnel"), ("signup", "onboarding_completed", "--people", "1")),
    (("query", "retention"), ("--start-event", "signup", "--breakdown", "plan")),
    (("query", "trend"), ("signup", "--interval", "week", "--compare", "--breakdown", "plan")),
    (("query", "trend"), ("signup", "--interval", "hour", "--from", DAY, "--to", DAY)),
    (("query", "stickiness"), ("signup",)),
    (("query", "lifecycle"), ("onboarding_completed",)),
    (("query", "paths"), ("signup",)),
    (("query", "sql"), ("SELECT event, min(timestamp) AS first FROM events GROUP BY event",)),
    (("insight", "list"), ()),
    (("insight", "show"), ("onboarding",)),
    (("insight", "run"), ("onboarding",)),
    (("dashboard", "list"), ()),
    (("dashboard", "show"), ("1",)),
    (("week",), ()),
    (("experiment", "list"), ()),
    (("experiment", "show"), ("checklist",)),
    (("experiment", "analyze"), ("checklist",)),
    (("experiment", "analyze-table"), ("{files}/table.csv", "--variant", "variant", "--metric",
                                       "converted", "--unit", "unit")),
    *[((kind, command), args) for kind, number in (
        ("problem", "1"), ("bet", "2"), ("proposal", "3"), ("ship", "4"), ("goal", "5"),
        ("journal", "6"), ("teardown", "7"))
      for command, args in (("show", (number,)), ("list", ()), ("history", (number,)))],
    (("problem", "reach"), ("1",)),
    (("bet", "rank"), ()),
    (("goal", "status"), ()),
    (("journal",), ("--on", DAY)),
    (("journal", "top"), ("--on", DAY)),
    (("portfolio", "build"), ("--out", "{files}/site")),
    (("plan",), ()),
    (("plan", "next"), ()),
]


@pytest.mark.parametrize(("path", "args"), CASES, ids=[" ".join(p + a) for p, a in CASES])
def test_commands_print_their_declared_shape(root: Path, path: tuple[str, ...],
                                             args: tuple[str, ...]) -> None:
    files = str(root.parent / "files")
    output = needle(root, *path, *(a.replace("{files}", files) for a in args), "--json")
    assert mismatches(json.loads(output), declared(path)) == []


def test_insight_run_prints_its_kinds_shape(root: Path) -> None:
    output = json.loads(needle(root, "insight", "run", "onboarding", "--json"))
    assert mismatches(output, FunnelResult.JSON_SHAPE) == []


def test_demo_first_look_has_the_declared_shape(root: Path) -> None:
    workspace = Workspace.open(root)
    try:
        look = {"workspace": str(root), "built": False, **first_look(workspace).to_json()}
    finally:
        workspace.close()
    assert mismatches(as_json(look), declared(("demo",))) == []


THEME = ThemeSummary(
    3, "Cards", ["card"], 2, 0.5, 2, datetime(2026, 1, 5, 3, tzinfo=UTC), None,
    Trend("steady", [date(2026, 1, 5)], [2]), [Quote(17, "Where is my card?", None)], [17, 25],
    edits=[{"kind": "rename", "detail": {"from": "x"}, "author": "ada",
            "at": datetime(2026, 1, 6, tzinfo=UTC)}])
THEME_OUTPUTS = [
    (("themes",), ThemeList([THEME], [41], 3).to_json()),
    (("themes", "show"), {**THEME.to_json(), "edits": THEME.edits}),
    (("themes", "groups"), {"groups": [ThemeGroup(1, [THEME], 0.5).to_json()]}),
    (("themes", "behaviour"), [BehaviourRow(3, "Cards", "retention_30d", 2, 0.5, 10, None, None,
                                            None, None).to_json()]),
]


@pytest.mark.parametrize(("path", "data"), THEME_OUTPUTS, ids=lambda v: " ".join(v)
                         if isinstance(v, tuple) else "")
def test_theme_outputs_have_their_declared_shape(path: tuple[str, ...], data: Any) -> None:
    assert mismatches(as_json(data), declared(path)) == []


@pytest.mark.parametrize(("data", "problem"), [
    ({"a": 1}, "$: no 'b'"),
    ({"b": 1, "c": 2}, "$: 'c' is not declared"),
    ({"b": "x"}, "$.b: 'x' is not int"),
    ({"b": 1, "d": [{"e": True}]}, "$.d[0].e: True is not int|null"),
])
def test_mismatches_name_the_difference(data: Any, problem: str) -> None:
    assert problem in mismatches(data, {"b": "int", "d?": [{"e": "int|null"}]})


@pytest.mark.parametrize("fields", ["string", ["int", "str"], {"<k>": "int", "b": "int"}, 3])
def test_malformed_shapes_are_refused(fields: Any) -> None:
    with pytest.raises(ValueError):
        check(fields)


# -- a toy query kind, registered in one record, appears in every face ------------------------

@dataclass(frozen=True)
class ToyQuery:
    times: int = 2


@dataclass(frozen=True)
class ToyResult:
    JSON_SHAPE: ClassVar[dict[str, Any]] = {"words": ["str: the word, once per time"]}

    words: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"words": list(self.words)}


def _toy_table(result: ToyResult) -> Table:
    return Table(("word",), tuple((w,) for w in result.words), title="toys")


TOY = kinds.Kind(
    "toy", ToyQuery, ToyResult, check=lambda q: None, help="Say a word again and again.",
    build=ToyQuery, options=(kinds.Option("times", "How many times.", 2, int),), table=_toy_table)


@pytest.fixture
def toy() -> Iterator[kinds.Kind]:
    kinds.register(TOY)
    yield TOY
    kinds.unregister(TOY.name)


def test_a_registered_kind_is_a_command(toy: kinds.Kind) -> None:
    command = load_command("query").commands["toy"]
    assert shape_of(command) == Shape(TOY.help, ToyResult.JSON_SHAPE)
    text = help_text(("query", "toy"))
    assert "Say a word again and again." in text and "--times" in text


def test_a_registered_kind_round_trips_through_the_codec(toy: kinds.Kind) -> None:
    spec = kinds.build("toy", times=3)
    assert codec.kind_of(spec) == "toy" and codec.encode(spec) == {"times": 3}
    assert codec.decode("toy", codec.encode(spec)) == spec


def test_a_registered_kind_prints_its_table_and_json(toy: kinds.Kind,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    query.show(ToyResult(("hi", "hi")), as_json=False)
    out = capsys.readouterr().out
    assert "toys" in out and "┃ word ┃" in out and out.count("│ hi ") == 2
    query.show(ToyResult(("hi",)), as_json=True)
    assert mismatches(json.loads(capsys.readouterr().out), ToyResult.JSON_SHAPE) == []


def test_a_registered_kind_is_in_the_json_reference(toy: kinds.Kind) -> None:
    text = reference()
    section = text[text.index("## needle query toy"):]
    assert "Say a word again and again." in section
    assert "- `words`: list of str — the word, once per time" in section
