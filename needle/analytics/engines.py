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
    """What every engine may use: the lake's files, the index folder, the machine's limits;
    a cluster engine's master URL and the lake path its workers read."""

    files: Sequence[Path]
    index_dir: Path | None = None
    threads: int | None = None
    memory_limit: str | None = None
    spark_master: str = "local[2]"
    lake_path: str = ""


def _duckdb(options: EngineOptions) -> Engine:
    from needle.analytics.duckdb import DuckDBEngine  # imported when used: it loads DuckDB

    return DuckDBEngine(options.files, options.threads, options.index_dir, options.memory_limit)


def _spark(options: EngineOptions) -> Engine:
    try:
        from needle.analytics.spark import SparkEngine  # imported when used: it loads PySpark
    except ModuleNotFoundError as exc:
        if exc.name is None or not exc.name.startswith(("pyspark", "py4j")):
            raise
        raise UserError("the spark engine needs PySpark: pip install 'needle[spark]'",
                        field="engine", value="spark") from None
    return SparkEngine(options.files, options.spark_master, options.lake_path)


ENGINES: dict[str, Callable[[EngineOptions], Engine]] = {"duckdb": _duckdb, "spark": _spark}


def check_engine(name: str) -> str:
    if name not in ENGINES:
        raise UserError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}",
                        field="engine", value=name, hint="settings")
    return name


def open_engine(name: str, options: EngineOptions) -> Engine:
    return ENGINES[check_engine(name)](options)
