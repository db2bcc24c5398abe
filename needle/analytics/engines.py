"""Engines by name: the ``engine`` setting chooses one, and this is the only place that knows
which classes there are."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from needle.analytics.engine import Engine
from needle.errors import UserError


@dataclass(frozen=True)
class EngineOptions:
    """What every engine may use: the lake's files, the index folder, the machine's limits."""

    files: Sequence[Path]
    index_dir: Path | None = None
    threads: int | None = None
    memory_limit: str | None = None


def _duckdb(options: EngineOptions) -> Engine:
    from needle.analytics.duckdb import DuckDBEngine  # imported when used: it loads DuckDB

    return DuckDBEngine(options.files, options.threads, options.index_dir, options.memory_limit)


ENGINES: dict[str, Callable[[EngineOptions], Engine]] = {"duckdb": _duckdb}


def check_engine(name: str) -> str:
    if name not in ENGINES:
        raise UserError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}",
                        field="engine", value=name)
    return name


def open_engine(name: str, options: EngineOptions) -> Engine:
    return ENGINES[check_engine(name)](options)
