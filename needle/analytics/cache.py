"""Results already computed on the lake as it is now, shared by everything one process serves.

A dashboard shown a moment ago, the home page's key metrics and a goal's progress ask the same
questions of the same events again and again; PostHog keeps insight results in Redis for that.
Needle keeps them in the server's memory: each entry is keyed by the lake's files (named uniquely
per write and listed by an atomically replaced manifest, so an import, a capture or a compaction
changes the key) and by the query as written plus today's date (relative ranges resolve against
it). Nothing is ever stale, so nothing needs invalidating; old entries just age out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from needle.analytics.engine import Engine
from needle.analytics.results import Result
from needle.analytics.specs import FunnelQuery, Query

T = TypeVar("T")


class ResultCache:
    """A bounded, thread-safe map from (lake, question) to answer, least recently used first out.

    Two threads asking the same new question may both compute it; the answers are equal, so the
    cache keeps the later one rather than making one thread wait on the other."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                self.hits += 1
                return self._entries[key]  # type: ignore[no-any-return]
            self.misses += 1
        value = compute()
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._entries)


class CachedEngine:
    """``engine`` answering from ``cache``: same name, same capabilities, same answers.

    ``scope`` says which lake and settings the answers hold for (the workspace passes its engine
    setting and the lake's files). Queries are keyed by their ``repr``: specs are frozen
    dataclasses whose repr names every field, and some hold lists, which do not hash."""

    def __init__(self, engine: Engine, cache: ResultCache, scope: Sequence[Hashable]) -> None:
        self.engine = engine
        self.cache = cache
        self.scope = tuple(scope)
        self.name = engine.name
        self.capabilities = engine.capabilities

    def _key(self, *question: Hashable) -> tuple[Hashable, ...]:
        return (*self.scope, datetime.now(UTC).date(), *question)

    def execute(self, query: Query) -> Result:
        return self.cache.get(self._key("execute", repr(query)),
                              lambda: self.engine.execute(query))

    def funnel_people(self, query: FunnelQuery, step: int, dropped: bool) -> list[str]:
        return list(self.cache.get(self._key("people", repr(query), step, dropped),
                                   lambda: self.engine.funnel_people(query, step, dropped)))

    def data_days(self) -> tuple[date, date] | None:
        return self.cache.get(self._key("data_days"), self.engine.data_days)

    def event_names(self) -> frozenset[str]:
        return self.cache.get(self._key("event_names"), self.engine.event_names)

    def close(self) -> None:
        self.engine.close()
