"""A workspace: a folder with ``needle.toml`` and ``.needle/`` (store, event lake, caches).

Found like git finds a repository: walk up from the current folder, or name the folder.
"""

from __future__ import annotations

import getpass
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from needle.analytics import api as analytics_api
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
from needle.analytics.specs import Query
from needle.config import load_settings
from needle.errors import NoWorkspace
from needle.events.lake import EventLake
from needle.store import Store

CONFIG_FILE = "needle.toml"
STATE_DIR = ".needle"

_TEMPLATE = """\
# Needle workspace settings; `needle settings` lists them all with their help.
[needle]
"""


class Workspace:
    """An opened workspace. Use :meth:`init`, :meth:`find` or :meth:`open`, not the constructor."""

    def __init__(self, root: Path, overrides: Mapping[str, Any] | None = None) -> None:
        self.root = root
        self.settings = load_settings(root / CONFIG_FILE, overrides=overrides)

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
            raise NoWorkspace(f"{root} is not a Needle workspace; run `needle init {path}` first")
        return cls(root, overrides)

    @classmethod
    def find(cls, start: Path | str = ".", overrides: Mapping[str, Any] | None = None) -> Workspace:
        """Open the nearest workspace at or above ``start``."""
        here = Path(start).resolve()
        for folder in (here, *here.parents):
            if (folder / CONFIG_FILE).is_file():
                return cls(folder, overrides)
        raise NoWorkspace(
            f"no Needle workspace at or above {here}; run `needle init` or pass -w DIR"
        )

    @property
    def state_dir(self) -> Path:
        return self.root / STATE_DIR

    @property
    def cache_dir(self) -> Path:
        path = self.state_dir / "cache"
        path.mkdir(parents=True, exist_ok=True)
        return path

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

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.close()

    # Analytics: each builds a spec (see needle.analytics.api for the options) and runs it.
    def query(self, spec: Query) -> Result:
        return analytics_api.run_query(self, spec)

    def funnel(self, steps: Sequence[str], **options: Any) -> FunnelResult:
        return analytics_api.run_query(self, analytics_api.funnel_query(steps, **options))  # type: ignore[return-value]

    def retention(
        self, start_event: str, return_event: str = "any", **options: Any
    ) -> RetentionResult:
        spec = analytics_api.retention_query(start_event, return_event, **options)
        return analytics_api.run_query(self, spec)  # type: ignore[return-value]

    def trend(self, events: Sequence[str], **options: Any) -> TrendResult:
        return analytics_api.run_query(self, analytics_api.trend_query(events, **options))  # type: ignore[return-value]

    def stickiness(self, event: str, **options: Any) -> StickinessResult:
        spec = analytics_api.stickiness_query(event, **options)
        return analytics_api.run_query(self, spec)  # type: ignore[return-value]

    def lifecycle(self, event: str, **options: Any) -> LifecycleResult:
        spec = analytics_api.lifecycle_query(event, **options)
        return analytics_api.run_query(self, spec)  # type: ignore[return-value]

    def paths(self, event: str, **options: Any) -> PathsResult:
        return analytics_api.run_query(self, analytics_api.paths_query(event, **options))  # type: ignore[return-value]

    def sql(self, sql: str, limit: int = 1000) -> SqlResult:
        return analytics_api.run_query(self, analytics_api.sql_query(sql, limit))  # type: ignore[return-value]
