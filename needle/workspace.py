"""A workspace: a folder with ``needle.toml`` and ``.needle/`` (store, event lake, caches).

Found like git finds a repository: walk up from the current folder, or name the folder. The
workspace is the only wiring of Needle: it opens settings, store, lake, event index and engine,
and offers the library's operations with their defaults, so each face (CLI, web, capture) is a
few lines: parse, call, render. Open it in a ``with`` block to close its connections.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from needle.config import load_settings
from needle.errors import NoWorkspace
from needle.events.lake import EventLake
from needle.store import Store

if TYPE_CHECKING:
    from needle.analytics.engine import Engine
    from needle.analytics.insights import Insight
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
    from needle.events.mapping import EventMapping
    from needle.evidence.tabular import EvidenceMapping
    from needle.experiments.definitions import ExperimentSpec
    from needle.experiments.metrics import MetricDef
    from needle.experiments.models import Experiment
    from needle.experiments.results import Analysis
    from needle.io.files import ImportResult
    from needle.io.tables import ReadOptions
    from needle.themes.behaviour import BehaviourRow
    from needle.themes.cluster import ClusterParams
    from needle.themes.groups import ThemeGroup
    from needle.themes.refresh import Progress, RefreshResult
    from needle.themes.update import UpdateResult
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

    def __init__(self, root: Path, overrides: Mapping[str, Any] | None = None) -> None:
        self.root = root
        self.settings = load_settings(root / CONFIG_FILE, overrides=overrides)
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
        return workspace

    @classmethod
    def open(cls, path: Path | str, overrides: Mapping[str, Any] | None = None) -> Workspace:
        root = Path(path).resolve()
        if not (root / CONFIG_FILE).is_file():
            raise NoWorkspace(f"{root} is not a Needle workspace", value=str(path), hint="init")
        return cls(root, overrides)

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
    def store_url(self) -> str:
        return self.settings["store_url"] or f"sqlite:///{self.state_dir / 'needle.db'}"

    @property
    def author(self) -> str:
        return self.settings["author"] or getpass.getuser()

    @cached_property
    def store(self) -> Store:
        return Store(self.store_url)

    @cached_property
    def lake(self) -> EventLake:
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
                                    self.settings["memory_limit"])
            self._engine, self._engine_files = open_engine(self.settings["engine"], options), files
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
        """Import evidence files or note folders; the same text from the same customer is
        stored once."""
        from needle.evidence.importer import import_evidence
        from needle.io.files import rejects_path

        return import_evidence(self.store, paths, kind, mapping, options,
                               self.settings["timezone"],
                               rejects_to or rejects_path(self.state_dir, "evidence"), step)

    # Analytics: the one door to events.
    def index_ready(self) -> bool:
        """False when the next query will first build the event index (a pass over the lake)."""
        from needle.analytics.index import is_built

        return is_built(self.index_dir, self.lake.files())

    def query(self, spec: Query) -> Result:
        """Run any query spec on this workspace's engine."""
        from needle.analytics.engine import run

        return run(self.engine, spec)

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

    # Experiments.
    def create_experiment(self, spec: ExperimentSpec, replace: bool = False) -> Experiment:
        from needle.experiments.definitions import create_experiment

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

    # Themes.
    def build_themes(self, params: ClusterParams | None = None,
                     progress: Progress | None = None) -> RefreshResult:
        """Cluster all evidence again; theme ids, names and edits carry over."""
        from needle.themes.refresh import refresh

        return refresh(self.store, self.cache_dir, params, progress)

    def update_themes(self, params: ClusterParams | None = None,
                      progress: Callable[[int, int], None] | None = None) -> UpdateResult:
        """Assign evidence added since the last build; build themes when there are none."""
        from needle.themes.update import update

        return update(self.store, self.cache_dir, params, progress)

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

    def theme_behaviour(self, days: int = 30, against: str = "users",
                        confidence: float = 0.95) -> list[BehaviourRow]:
        """Retention of each theme's reporters against everyone else's."""
        from needle.themes.behaviour import theme_behaviour

        return theme_behaviour(self.store, self.engine, days, against, confidence)

    def rename_theme(self, theme_id: int, label: str) -> None:
        from needle.themes.edits import rename

        rename(self.store, self.author, theme_id, label)

    def merge_themes(self, keep: int, other: int) -> None:
        from needle.themes.edits import merge

        merge(self.store, self.author, self.cache_dir, keep, other)

    def split_theme(self, theme_id: int, parts: int = 2) -> list[int]:
        from needle.themes.edits import split

        return split(self.store, self.author, self.cache_dir, theme_id, parts)
