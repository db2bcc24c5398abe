"""A workspace: a folder with ``needle.toml`` and ``.needle/`` (store, event lake, caches).

Found like git finds a repository: walk up from the current folder, or name the folder. The
workspace is the only wiring of Needle: it opens settings, store, lake, event index and engine,
and offers the library's operations with their defaults, so each face (CLI, web, capture) is a
few lines: parse, call, render. Open it in a ``with`` block to close its connections.
"""

from __future__ import annotations

import contextlib
import getpass
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from needle.config import load_settings
from needle.errors import NoWorkspace, UserError

if TYPE_CHECKING:
    import pyarrow as pa

    from needle.analytics.cache import ResultCache
    from needle.analytics.dashboards import DashboardRun, DashboardView
    from needle.analytics.engine import Engine
    from needle.analytics.insights import Insight
    from needle.analytics.notes import Note
    from needle.analytics.results import (
        FunnelResult,
        LifecycleResult,
        PathsResult,
        Result,
        RetentionResult,
        SqlResult,
        StickinessResult,
        TrendResult,
    )
    from needle.analytics.specs import FunnelQuery, Query
    from needle.artifacts.journal import Period
    from needle.artifacts.week import Week
    from needle.capture.flags import Flag, FlagSpec
    from needle.capture.service import Capture
    from needle.documents.portfolio import Portfolio
    from needle.events.export import ExportResult
    from needle.events.lake import AppendResult, EventLake
    from needle.events.mapping import EventMapping
    from needle.events.stats import LakeStats
    from needle.evidence.queries import EvidenceFilter
    from needle.evidence.tabular import EvidenceMapping
    from needle.experiments.definitions import ExperimentSpec
    from needle.experiments.metrics import MetricDef
    from needle.experiments.models import Experiment
    from needle.experiments.results import Analysis
    from needle.io.files import ImportResult
    from needle.io.tables import ReadOptions
    from needle.review.alerts import RuleState
    from needle.review.review import Review
    from needle.review.series import ScoredSeries
    from needle.store import Store
    from needle.themes.behaviour import BehaviourRow
    from needle.themes.clustering import ClusterParams
    from needle.themes.groups import ThemeGroup
    from needle.themes.refreshing import Progress, RefreshResult
    from needle.themes.updating import UpdateResult
    from needle.themes.view import ThemeList, ThemeSummary

CONFIG_FILE = "needle.toml"
STATE_DIR = ".needle"

_TEMPLATE = """\
# Needle workspace settings: name = value under [needle]; Needle's settings reference lists
# them all with their help.
[needle]
"""


class Workspace:
    """An opened workspace. Use :meth:`init`, :meth:`find` or :meth:`open`, not the constructor."""

    def __init__(self, root: Path, overrides: Mapping[str, Any] | None = None,
                 results: ResultCache | None = None) -> None:
        self.root = root
        self.settings = load_settings(root / CONFIG_FILE, overrides=overrides)
        self.results = results  # a server's answers, shared by the requests it serves
        self._engine: Engine | None = None
        self._engine_files: list[Path] = []

    @classmethod
    def init(cls, path: Path | str = ".", overrides: Mapping[str, Any] | None = None) -> Workspace:
        """Create a workspace in ``path`` (made if missing) and open it; idempotent."""
        root = Path(path).resolve()
        root.mkdir(parents=True, exist_ok=True)
        config = root / CONFIG_FILE
        if not config.exists():
            config.write_text(_TEMPLATE, encoding="utf-8")
        (root / STATE_DIR / "events").mkdir(parents=True, exist_ok=True)
        (root / STATE_DIR / "cache").mkdir(parents=True, exist_ok=True)
        workspace = cls(root, overrides)
        workspace.store.close()  # opening the store creates and migrates the database
        workspace.project_token  # noqa: B018  (made with the workspace)
        return workspace

    @classmethod
    def open(cls, path: Path | str, overrides: Mapping[str, Any] | None = None,
             results: ResultCache | None = None) -> Workspace:
        """Open the workspace at ``path``; ``results`` lets its queries answer from a cache
        shared with other openings (a server's requests)."""
        root = Path(path).resolve()
        if not (root / CONFIG_FILE).is_file():
            raise NoWorkspace(f"{root} is not a Needle workspace", value=str(path), hint="init")
        return cls(root, overrides, results)

    @classmethod
    def find(cls, start: Path | str = ".", overrides: Mapping[str, Any] | None = None) -> Workspace:
        """Open the nearest workspace at or above ``start``."""
        here = Path(start).resolve()
        for folder in (here, *here.parents):
            if (folder / CONFIG_FILE).is_file():
                return cls(folder, overrides)
        raise NoWorkspace(f"no Needle workspace at or above {here}", value=str(here),
                          hint="init")

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def state_dir(self) -> Path:
        return self.root / STATE_DIR

    @property
    def cache_dir(self) -> Path:
        path = self.state_dir / "cache"
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def index_dir(self) -> Path:
        """Where the event index lives (built on first use, extended after imports)."""
        return self.cache_dir / "analytics"

    @property
    def project_token(self) -> str:
        """The public token the product's SDKs send with events (made on first use)."""
        from needle.capture.tokens import project_token

        return project_token(self.state_dir)

    @property
    def capture_dir(self) -> Path:
        """Where captured events wait (the write-ahead log) until they are in the lake."""
        return self.state_dir / "capture"

    @property
    def store_url(self) -> str:
        return self.settings["store_url"] or f"sqlite:///{self.state_dir / 'needle.db'}"

    @property
    def author(self) -> str:
        return self.settings["author"] or getpass.getuser()

    # The store and the lake import SQLAlchemy and DuckDB: opened on first use, so that a
    # command that needs neither does not pay for them.
    @cached_property
    def store(self) -> Store:
        from needle.store import Store

        return Store(self.store_url)

    @cached_property
    def lake(self) -> EventLake:
        from needle.events.lake import EventLake

        return EventLake(self.state_dir / "events")

    @property
    def engine(self) -> Engine:
        """The engine of the ``engine`` setting over the lake as it is now (reopened when an
        import or compaction changed the lake's files)."""
        files = self.lake.files()
        if self._engine is None or files != self._engine_files:
            from needle.analytics.engines import EngineOptions, open_engine

            self._close_engine()
            options = EngineOptions(files, self.index_dir, self.settings["threads"],
                                    self.settings["memory_limit"], self.settings["spark_master"],
                                    self.settings["lake_path"])
            engine = open_engine(self.settings["engine"], options)
            if self.results is not None:
                from needle.analytics.cache import CachedEngine

                scope = (str(self.root), repr(sorted(self.settings.items())), *map(str, files))
                engine = CachedEngine(engine, self.results, scope)
            self._engine, self._engine_files = engine, files
        return self._engine

    def _close_engine(self) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None

    def close(self) -> None:
        self._close_engine()
        if "store" in self.__dict__:
            self.store.close()

    # Events and evidence in.
    def import_events(self, paths: Sequence[Path], mapping: EventMapping | None = None,
                      options: ReadOptions | None = None, rejects_to: Path | None = None,
                      step: Callable[..., None] | None = None) -> ImportResult:
        """Import event files into the lake; skipped rows go to ``rejects_to`` (by default a
        file under ``.needle/rejects``)."""
        from needle.events.importer import import_events
        from needle.events.mapping import EventMapping
        from needle.io.files import rejects_path
        from needle.io.tables import ReadOptions

        return import_events(self.lake, paths, mapping or EventMapping(),
                             options or ReadOptions(), self.settings["timezone"],
                             rejects_to or rejects_path(self.state_dir, "events"), step)

    def import_evidence(self, paths: Sequence[Path], kind: str | None = None,
                        mapping: EvidenceMapping | None = None,
                        options: ReadOptions | None = None, rejects_to: Path | None = None,
                        step: Callable[[str], None] | None = None) -> ImportResult:
        """Import evidence files or note folders, one piece per row; a row imported again is
        stored once."""
        from needle.evidence.importer import import_evidence
        from needle.io.files import rejects_path

        return import_evidence(self.store, paths, kind, mapping, options,
                               self.settings["timezone"],
                               rejects_to or rejects_path(self.state_dir, "evidence"), step)

    # Events captured live (the server's capture API).
    def capture(self) -> Capture:
        """The capture service of this workspace: its write-ahead log and compactor, not
        started (the server starts it)."""
        from needle.capture.service import Capture

        return Capture(self.capture_dir, self.project_token, self.append_captured)

    def append_captured(self, table: pa.Table) -> AppendResult:
        """Captured events into the lake (a uuid already there is skipped); days left in many
        small files are merged, and an event index built before is extended."""
        from needle.capture.compactor import tidy_lake

        appended = self.lake.append(table)
        if appended.added:
            with contextlib.suppress(UserError):  # another writer has the lake: next time
                tidy_lake(self.lake)
            self.extend_index()
        return appended

    def extend_index(self) -> bool:
        """Bring an event index built before up to the lake's files now, so the next query
        does not wait for it; False when there is none (the first query builds it)."""
        from needle.analytics.index import is_built, open_columns

        files = self.lake.files()
        if not any(self.index_dir.glob("columns-*/meta.json")) or \
                is_built(self.index_dir, files):
            return False
        open_columns(self.index_dir, files, self.settings["threads"])
        return True

    def event_stats(self) -> LakeStats:
        """Events, users, time span and counts per event name; counted once after each change
        to the lake and kept in the cache until the next."""
        from needle.events.stats import lake_stats

        return lake_stats(self.state_dir / "events", self.cache_dir)

    def recent_events(self, limit: int = 20) -> SqlResult:
        """The newest events, newest first, read from the lake whatever the query engine."""
        from needle.analytics.results import SqlResult
        from needle.events.recent import COLUMNS, latest_events

        rows, more = latest_events(self.state_dir / "events", limit)
        return SqlResult(COLUMNS, tuple(rows), truncated=more)

    # Evidence out.
    def evidence(self, where: EvidenceFilter | None = None,
                 limit: int | None = 50) -> list[dict[str, Any]]:
        """Stored evidence as JSON, oldest first, as ``where`` filters it."""
        from needle.evidence.queries import EvidenceFilter, evidence_listing

        with self.store.session() as session:
            return evidence_listing(session, where or EvidenceFilter(), limit)

    def search_evidence(self, words: str, where: EvidenceFilter | None = None,
                        limit: int = 20) -> list[dict[str, Any]]:
        """Evidence matching the words as JSON (with its score), best first."""
        from needle.evidence.queries import EvidenceFilter
        from needle.evidence.search import evidence_search

        with self.store.session() as session:
            return evidence_search(session, words, where or EvidenceFilter(), limit)

    # Analytics: the one door to events.
    def index_ready(self) -> bool:
        """False when the next query will first build the event index (a pass over the lake)."""
        from needle.analytics.index import is_built

        return is_built(self.index_dir, self.lake.files())

    def query(self, spec: Query) -> Result:
        """Run any query spec on this workspace's engine."""
        from needle.analytics.engine import run

        return run(self.engine, spec)

    def notes(self, spec: Query, result: Result) -> list[Note]:
        """What to know before trusting ``result`` (the answer to ``spec``): unknown event names
        with the nearest known one, a range without events, a retention without cohorts."""
        from needle.analytics.notes import notes

        return notes(spec, result, self.engine.event_names(), self.engine.data_days())

    def run(self, kind: str, **options: Any) -> Result:
        """Build a query of ``kind`` from options by name (see :mod:`needle.analytics.kinds`)
        and run it."""
        from needle.analytics.kinds import build

        return self.query(build(kind, **options))

    def people(self, spec: FunnelQuery, step: int, dropped: bool = True) -> list[str]:
        """Who reached funnel step ``step`` (and, if ``dropped``, went no further)."""
        from needle.analytics.engine import funnel_people

        return funnel_people(self.engine, spec, step, dropped)

    def funnel(self, steps: Sequence[str], **options: Any) -> FunnelResult:
        return self.run("funnel", steps=steps, **options)  # type: ignore[return-value]

    def retention(self, start_event: str, return_event: str = "any",
                  **options: Any) -> RetentionResult:
        return self.run("retention", start_event=start_event, return_event=return_event,  # type: ignore[return-value]
                        **options)

    def trend(self, events: Sequence[str], **options: Any) -> TrendResult:
        return self.run("trend", events=events, **options)  # type: ignore[return-value]

    def stickiness(self, event: str, **options: Any) -> StickinessResult:
        return self.run("stickiness", event=event, **options)  # type: ignore[return-value]

    def lifecycle(self, event: str, **options: Any) -> LifecycleResult:
        return self.run("lifecycle", event=event, **options)  # type: ignore[return-value]

    def paths(self, event: str, **options: Any) -> PathsResult:
        return self.run("paths", event=event, **options)  # type: ignore[return-value]

    def sql(self, sql: str, limit: int = 1000) -> SqlResult:
        return self.run("sql", sql=sql, limit=limit)  # type: ignore[return-value]

    def export_lake(self, target: Path) -> ExportResult:
        """Copy the event lake and its manifest to ``target`` (an empty or new folder), for the
        spark engine's ``lake_path`` on a cluster."""
        from needle.events.export import export_lake

        return export_lake(self.lake, target)

    # Saved insights.
    def save_insight(self, name: str, spec: Query, description: str = "",
                     replace: bool = False) -> Insight:
        from needle.analytics.insights import save_insight

        return save_insight(self.store, name, spec, self.author, description, replace)

    def insights(self) -> list[Insight]:
        from needle.analytics.insights import list_insights

        return list_insights(self.store)

    def insight(self, name: str) -> Insight:
        from needle.analytics.insights import get_insight

        return get_insight(self.store, name)

    def run_insight(self, name: str) -> Result:
        """Run the saved insight ``name``; the result has ``to_json()``."""
        return self.query(self.insight(name).query)

    def insight_anomalies(self, name: str) -> ScoredSeries:
        """Score each point of the trend insight ``name`` for anomalies."""
        from needle.review.insight_series import trend_points
        from needle.review.series import score_points

        times, values = trend_points(name, self.run_insight(name))
        return score_points(times, values, self.settings["anomaly_threshold"], f"insight {name!r}")

    # Dashboards of saved insights.
    def create_dashboard(self, name: str, description: str = "") -> DashboardView:
        from needle.analytics.dashboards import create_dashboard

        return create_dashboard(self.store, name, self.author, description)

    def dashboards(self) -> list[DashboardView]:
        from needle.analytics.dashboards import list_dashboards

        return list_dashboards(self.store)

    def dashboard(self, dashboard_id: int) -> DashboardView:
        from needle.analytics.dashboards import get_dashboard

        return get_dashboard(self.store, dashboard_id)

    def run_dashboard(self, dashboard_id: int) -> DashboardRun:
        """The dashboard with each of its insights run now."""
        from needle.analytics.dashboards import run_dashboard

        return run_dashboard(self.store, self.engine, dashboard_id)

    def add_to_dashboard(self, dashboard_id: int, insight: str) -> DashboardView:
        from needle.analytics.dashboards import add_insight

        return add_insight(self.store, dashboard_id, insight)

    def remove_from_dashboard(self, dashboard_id: int, insight: str) -> DashboardView:
        from needle.analytics.dashboards import remove_insight

        return remove_insight(self.store, dashboard_id, insight)

    def move_on_dashboard(self, dashboard_id: int, insight: str,
                          position: int) -> DashboardView:
        from needle.analytics.dashboards import move_insight

        return move_insight(self.store, dashboard_id, insight, position)

    def delete_dashboard(self, dashboard_id: int) -> None:
        from needle.analytics.dashboards import delete_dashboard

        delete_dashboard(self.store, dashboard_id)

    # Experiments.
    def create_experiment(self, spec: ExperimentSpec, replace: bool = False,
                          flag: str | None = None) -> Experiment:
        """Store an experiment; with ``flag``, measured on that feature flag's exposures."""
        from needle.experiments.definitions import create_experiment, on_flag

        if flag is not None:
            tied = self.flag(flag).spec
            spec = on_flag(spec, tied.key, [(v.key, v.percent) for v in tied.variants])
        return create_experiment(self.store, self.author, spec, replace)

    def experiment(self, name: str) -> Experiment:
        from needle.experiments.definitions import get_experiment

        return get_experiment(self.store, name)

    def experiments(self) -> Sequence[Experiment]:
        from needle.experiments.definitions import list_experiments

        return list_experiments(self.store)

    def experiment_metric(self, text: str) -> MetricDef:
        """``[NAME=]KIND:ARGS`` as a metric definition; ``insight:NAME`` through a saved insight."""
        from needle.experiments.insight_metrics import resolve_metric

        return resolve_metric(self.store, text)

    def analyze_experiment(self, name: str) -> tuple[Experiment, Analysis]:
        """Measure the experiment from events and analyse it; the first call locks its
        hypothesis and decision rule."""
        from needle.experiments.run import analyze_experiment

        return analyze_experiment(self.store, self.engine, name)

    # Feature flags, served to the product's SDKs with PostHog's hashing.
    def create_flag(self, spec: FlagSpec, replace: bool = False) -> Flag:
        """Store a flag (``replace`` redefines one, archived or not); a running server serves
        it within seconds."""
        from needle.capture.flag_store import create_flag

        return create_flag(self.store, self.author, spec, replace)

    def flags(self, active_only: bool = False) -> list[Flag]:
        from needle.capture.flag_store import list_flags

        return list_flags(self.store, active_only)

    def flag(self, key: str) -> Flag:
        from needle.capture.flag_store import get_flag

        return get_flag(self.store, key)

    def archive_flag(self, key: str) -> Flag:
        """Stop serving a flag; its definition stays."""
        from needle.capture.flag_store import archive_flag

        return archive_flag(self.store, key)

    # Alert rules on saved insights, checked by each review.
    def add_alert(self, insight: str, kind: str, value: float | None = None) -> RuleState:
        """Watch the saved insight ``insight``: ``above``/``below`` a value, a relative
        ``change`` on last week, or any ``anomaly``."""
        from needle.review.alerts import add_rule

        return add_rule(self.store, insight, kind, value, self.author)

    def alerts(self) -> list[RuleState]:
        """Every alert rule with the outcome of its latest check."""
        from needle.review.alerts import list_rules

        return list_rules(self.store)

    def remove_alert(self, rule_id: int) -> None:
        from needle.review.alerts import remove_rule

        remove_rule(self.store, rule_id)

    # The weekly review.
    def review(self, week: str | None = None, today: date | None = None) -> Review:
        """The review of ISO ``week`` (``YYYY-Www``; default the newest complete week of
        events): key metrics, anomalies with drivers, and what waits for a decision."""
        from needle.review.review import build_review, key_insights

        return build_review(self.store, self.engine, key_insights(self.store),
                            self.settings["anomaly_threshold"], week, today or date.today())

    def read_review(self, week: str | None = None, today: date | None = None) -> Review:
        """The review, as a person reads it (the CLI, the page): counted towards the plan's
        weekly-review habit, unlike the server's own alert checks."""
        from needle.artifacts.habits import record_review

        found = self.review(week, today)
        with self.store.session() as session:
            record_review(session, self.author, found.week)
        return found

    # This week.
    def this_week(self, today: date | None = None) -> Week:
        """Key metrics against last week, goals, themes on the rise, experiments waiting for a
        decision, proposals past their date and the decisions of ``today``'s week."""
        from needle.artifacts.week import this_week

        return this_week(self.store, self.engine, today or date.today())

    # Themes.
    def build_themes(self, params: ClusterParams | None = None,
                     progress: Progress | None = None) -> RefreshResult:
        """Cluster all evidence again; theme ids, names and edits carry over."""
        from needle.themes.refreshing import refresh

        return refresh(self.store, self.cache_dir, params, progress)

    def update_themes(self, params: ClusterParams | None = None,
                      progress: Callable[[int, int], None] | None = None) -> UpdateResult:
        """Assign evidence added since the last build; build themes when there are none."""
        from needle.themes.updating import update

        return update(self.store, self.cache_dir, params, progress)

    def themes_built(self) -> bool:
        """Whether themes were ever built here (else listing them builds them once)."""
        from needle.themes.view import built

        return built(self.store)

    def themes(self, weeks: int | None = None) -> ThemeList:
        from needle.themes.trend import WEEKS
        from needle.themes.view import list_themes

        return list_themes(self.store, weeks or WEEKS)

    def theme(self, theme_id: int, weeks: int | None = None) -> ThemeSummary:
        from needle.themes.trend import WEEKS
        from needle.themes.view import get_theme

        return get_theme(self.store, theme_id, weeks or WEEKS)

    def theme_groups(self) -> list[ThemeGroup]:
        from needle.themes.groups import group_themes

        return group_themes(self.store)

    def theme_behaviour(self, days: int = 30, against: str = "reporters",
                        confidence: float = 0.95, only: int | None = None) -> list[BehaviourRow]:
        """Retention of each theme's reporters (or theme ``only``'s) against other reporters'
        (``against="users"``: everyone else's)."""
        from needle.themes.behaviour import theme_behaviour

        return theme_behaviour(self.store, self.engine, days, against, confidence, only)

    def rename_theme(self, theme_id: int, label: str) -> None:
        from needle.themes.edits import rename

        rename(self.store, self.author, theme_id, label)

    def merge_themes(self, keep: int, other: int) -> None:
        from needle.themes.edits import merge

        merge(self.store, self.author, self.cache_dir, keep, other)

    def split_theme(self, theme_id: int, parts: int = 2) -> list[int]:
        from needle.themes.edits import split

        return split(self.store, self.author, self.cache_dir, theme_id, parts)

    # Artifacts of the decision loop, as JSON in the shapes the CLI's --json prints.
    def artifacts(self, kind: str, status: str | None = None) -> list[dict[str, Any]]:
        """Every artifact of ``kind`` (problem, bet, ...), oldest first, with its fields."""
        from needle.artifacts.listing import listing

        return listing(self.store.engine, kind, status)

    def artifact(self, kind: str, artifact_id: int) -> dict[str, Any]:
        """One artifact with its fields, links, history and what is derived from its data."""
        from needle.artifacts import store, views

        with self.store.session() as session:
            return views.detail(session, self.engine, store.get(session, kind, artifact_id))

    def _created(self, make: Callable[[Any], Any]) -> dict[str, Any]:
        """Run ``make(session)`` in one transaction; the artifact it made, as listed."""
        from needle.artifacts.views import summary

        with self.store.session() as session:
            artifact = make(session)
            return summary(artifact) | {"fields": dict(artifact.fields)}

    def evidence_pieces(self, ids: Sequence[int]) -> list[dict[str, Any]]:
        """The pieces of evidence with these ids, as listed, in the order given (an unknown id
        is left out: citing it is refused when the artifact is written)."""
        from needle.evidence.models import Evidence
        from needle.evidence.queries import evidence_json
        from needle.store import find

        with self.store.session() as session:
            found = [find(session, Evidence, i) for i in dict.fromkeys(ids)]
            return [evidence_json(e) for e in found if e is not None]

    def create_problem(self, title: str, fields: Mapping[str, Any], evidence: Sequence[int] = (),
                       links: Sequence[str] = ()) -> dict[str, Any]:
        """A problem statement (a draft) citing evidence by id and other data as KIND:REF."""
        from needle.artifacts import problems
        from needle.artifacts.links import parse_link

        cited = [parse_link(text) for text in links]
        return self._created(lambda s: problems.create(s, title, self.author, fields, evidence,
                                                       cited))

    def create_bet(self, title: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        from needle.artifacts import bets

        return self._created(lambda s: bets.create(s, title, self.author, fields))

    def create_proposal(self, title: str, fields: Mapping[str, Any],
                        as_of: str | None = None) -> dict[str, Any]:
        """A proposal; the baseline of its metric is measured now (or as of a past day)."""
        from needle.artifacts import proposals

        return self._created(lambda s: proposals.create(s, self.engine, title, self.author,
                                                        fields, as_of))

    def respond_to_proposal(self, proposal_id: int, response: str, by: str, why: str,
                            learned: str | None = None) -> None:
        """Record the response and what was learned from it; approval locks the metric,
        baseline, target and rule."""
        from needle.artifacts import proposals, store

        with self.store.session() as session:
            proposal = store.get(session, "proposal", proposal_id)
            proposals.respond(session, proposal, response, by, why, self.author, learned)

    def amend_proposal(self, proposal_id: int, field: str, value: Any, reason: str) -> None:
        from needle.artifacts import proposals, store

        with self.store.session() as session:
            proposal = store.get(session, "proposal", proposal_id)
            proposals.amend(session, self.engine, proposal, field, value, reason, self.author)

    def log_decision(self, title: str, fields: Mapping[str, Any], links: Sequence[str] = (),
                     today: date | None = None) -> dict[str, Any]:
        from needle.artifacts import journal
        from needle.artifacts.links import parse_link

        cited = [parse_link(text) for text in links]
        return self._created(lambda s: journal.log(s, title, self.author, fields, cited,
                                                   today or date.today()))

    def create_goal(self, title: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        """A goal naming a metric, a target and a date; its baseline is measured now."""
        from needle.artifacts import goals

        return self._created(lambda s: goals.create(s, self.engine, title, self.author, fields))

    def publish_ship(self, title: str, fields: Mapping[str, Any], evidence: Sequence[int] = (),
                     experiment: str | None = None) -> dict[str, Any]:
        """A ship post: the proposal's metric before and after the launch, with an interval,
        and the experiment's result when one tested it."""
        from needle.artifacts import ships
        from needle.artifacts.links import Link
        from needle.artifacts.resolve import experiment_result

        found = experiment_result(self.store, self.engine, experiment) if experiment else None
        links = [Link("evidence", str(i)) for i in evidence]
        links += [Link("experiment", experiment)] if experiment else []
        return self._created(lambda s: ships.create(
            s, self.engine, title, self.author, {**fields, "experiment": experiment}, links,
            found))

    def create_synthesis(self, start: date | None = None, end: date | None = None,
                         kind: str | None = None, title: str | None = None) -> dict[str, Any]:
        """A customer-insight synthesis of the stored topics (themes are built first if they
        never were)."""
        from needle.artifacts import synthesis
        from needle.errors import UserError
        from needle.themes.topics import nearest_topics

        if not self.themes_built():
            self.build_themes()
        topics = self.themes().topics
        homes = nearest_topics(self.store, self.cache_dir, topics)
        try:
            behaviour = {r.theme_id: synthesis.Behaviour(r.metric, r.difference, r.low, r.high)
                         for r in self.theme_behaviour()} if self.lake.files() else {}
        except UserError:  # reporters unknown to the lake: severity from the text alone
            behaviour = {}
        return self._created(lambda s: synthesis.create(
            s, self.author, topics, behaviour, start, end, kind, title, homes))

    def create_teardown(self, title: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        from needle.artifacts import teardowns

        return self._created(lambda s: teardowns.create(s, title, self.author, fields))

    def edit_artifact(self, kind: str, artifact_id: int,
                      changes: Mapping[str, Any]) -> dict[str, Any]:
        """Apply ``changes`` (``None`` leaves a field as it is) with the kind's rules; what
        changed, as FIELD: {from, to}."""
        from needle.artifacts import edits, store

        with self.store.session() as session:
            artifact = store.get(session, kind, artifact_id)
            return edits.apply(session, self.engine, artifact, changes, self.author)

    def link_artifact(self, kind: str, artifact_id: int, links: Sequence[str]) -> int:
        """Cite more data (KIND:REF each); how many links the artifact has now."""
        from needle.artifacts import store
        from needle.artifacts.links import parse_link

        with self.store.session() as session:
            artifact = store.get(session, kind, artifact_id)
            store.add_links(session, artifact, [parse_link(t) for t in links], self.author)
            return len(artifact.links)

    def bet_ranking(self, problem: int | None = None) -> list[dict[str, Any]]:
        """Bets (or one problem's) scored from current data, highest first, with why."""
        from needle.artifacts import bets, scoring

        with self.store.session() as session:
            return scoring.ranked_json(bets.ranking(session, self.engine, problem))

    def goal_status(self, goal_id: int | None = None,
                    today: date | None = None) -> list[dict[str, Any]]:
        """Each goal's progress (or one's), measured now from the event lake."""
        from needle.artifacts import goals, store

        with self.store.session() as session:
            chosen = ([store.get(session, "goal", goal_id)] if goal_id is not None
                      else store.list_all(session, "goal"))
            return [goals.status(self.engine, g, today or date.today()).to_json()
                    for g in chosen]

    def decisions(self, period: Period, count: int | None = None) -> list[dict[str, Any]]:
        """The decisions of ``period`` in full; only the ``count`` most important if given."""
        from needle.artifacts.views import decisions

        with self.store.session() as session:
            return decisions(session, self.engine, period, count)

    def plan(self, today: date | None = None) -> list[dict[str, Any]]:
        """The 12-week plan's six stages as they stand ``today``: status, due day, what the
        deliverable lacks."""
        from needle.artifacts.plan import rows

        with self.store.session() as session:
            return rows(session, today or date.today())

    def start_plan(self, week1: date) -> None:
        """Start the plan with week 1 beginning on ``week1``; only artifacts made from now on
        count towards its stages."""
        from needle.artifacts.plan import start

        with self.store.session() as session:
            start(session, self.author, week1)

    def plan_overview(self, today: date | None = None) -> dict[str, Any]:
        """The plan's start, this week, this week's stage and the habits as streaks."""
        from needle.artifacts.plan import overview

        with self.store.session() as session:
            return overview(session, today or date.today())

    def plan_next(self, today: date | None = None) -> dict[str, Any] | None:
        """The plan's one next action (a stage row), or None when all six are done."""
        from needle.artifacts.plan import next_step

        with self.store.session() as session:
            return next_step(session, today or date.today())

    def portfolio(self, out: Path | None = None) -> Portfolio:
        """What building the portfolio would write (pages, resume bullets, claims); nothing
        is written."""
        from needle.documents.portfolio import contents

        with self.store.session() as session:
            return contents(session, self.engine, out or self.root / "portfolio")[0]

    def build_portfolio(self, out: Path | None = None) -> Portfolio:
        """Write the portfolio site and PDF (by default to ``portfolio/`` here)."""
        from needle.documents.portfolio import build

        with self.store.session() as session:
            return build(session, self.engine, out or self.root / "portfolio", self.author,
                         self.settings["name"])

    def roadmap(self) -> dict[str, Any]:
        """Now / next / later / not doing, from ranked bets, proposals and decisions."""
        from needle.artifacts.roadmap import build

        with self.store.session() as session:
            return build(session, self.engine)

    def drop_bet(self, bet_id: int, why: str) -> None:
        """Say no to a bet; it keeps its reason."""
        from needle.artifacts import bets, store

        with self.store.session() as session:
            bets.drop(session, store.get(session, "bet", bet_id), why, self.author)

    def learn_from_proposal(self, proposal_id: int, learned: str) -> None:
        from needle.artifacts import proposals, store

        with self.store.session() as session:
            proposals.learn(session, store.get(session, "proposal", proposal_id), learned,
                            self.author)

    def smaller_bet(self, proposal_id: int, title: str,
                    fields: Mapping[str, Any]) -> dict[str, Any]:
        """After a no or a not now: a smaller bet on the proposal's problem, linked to it."""
        from needle.artifacts import proposals, store

        return self._created(lambda s: proposals.smaller(
            s, store.get(s, "proposal", proposal_id), title, self.author, fields))

    def create_guide(self, problem_id: int, questions: Sequence[str] = (),
                     goal: str | None = None) -> dict[str, Any]:
        """An interview guide for a problem; a leading question refuses it."""
        from needle.artifacts import interviews

        return self._created(lambda s: interviews.create(s, problem_id, self.author, questions,
                                                         goal))

    def import_interview_notes(self, guide_id: int, paths: Sequence[Path]) -> list[int]:
        """Import interview notes as evidence and link them to the guide; their ids."""
        from sqlalchemy import func, select

        from needle.artifacts import interviews, store
        from needle.evidence.models import Evidence

        with self.store.session() as session:
            store.get(session, "guide", guide_id)
            before = session.scalar(select(func.max(Evidence.id))) or 0
        self.import_evidence(paths, kind="interview")
        with self.store.session() as session:
            fresh = list(session.scalars(select(Evidence.id).where(Evidence.id > before)))
            interviews.link_notes(session, store.get(session, "guide", guide_id), fresh,
                                  self.author)
        return fresh

    def write_resume(self) -> dict[str, Any]:
        """A new version of the resume, titled with the ``name`` setting."""
        from needle.documents import resume

        return self._created(lambda s: resume.write(s, self.engine, self.settings["name"],
                                                    self.author))

    def write_conversation(self, manager: str | None = None,
                           ask: str | None = None) -> dict[str, Any]:
        """A draft of the manager conversation from the portfolio's evidence."""
        from needle.documents import conversation

        return self._created(lambda s: conversation.write(
            s, self.engine, self.settings["name"], manager, ask, self.author))
