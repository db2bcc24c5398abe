"""The ``events`` view over the lake's Parquet files, and the days a query covers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import duckdb

# Set when the database opens: a query naming a known extension (httpfs for an https:// path)
# would otherwise download it into ~/.duckdb.
NO_EXTENSIONS = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
# Applied after the events view exists, in this order: the lock goes last.
SEALED = (
    ("enable_external_access", "false"),
    ("allow_community_extensions", "false"),
    ("allow_persistent_secrets", "false"),
    ("lock_configuration", "true"),
)
EMPTY = (
    "SELECT NULL::VARCHAR AS uuid, NULL::VARCHAR AS event, NULL::VARCHAR AS distinct_id, "
    "NULL::TIMESTAMPTZ AS timestamp, NULL::VARCHAR AS properties WHERE FALSE"
)


def connect(
    files: Sequence[Path],
    threads: int | None = None,
    memory_limit: str | None = None,
    spill_dir: Path | None = None,
) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with ``events`` (the lake) and UTC as the session time zone.

    Beyond ``memory_limit`` DuckDB spills to ``spill_dir`` (by default ``.tmp`` in the current
    folder, which is why the engine passes one inside the workspace). The connection is sealed
    (:func:`seal`): user SQL runs on it, so it reads the lake's files and nothing else."""
    con = duckdb.connect(config=dict(NO_EXTENSIONS))
    if spill_dir is not None:
        con.execute("SET temp_directory = ?", [str(spill_dir)])
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")  # stdout belongs to --json
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    paths = [str(p) for p in files]
    body = (
        f"SELECT uuid, event, distinct_id, timestamp, properties FROM read_parquet({paths!r})"
        if paths
        else EMPTY
    )
    con.execute(f"CREATE VIEW events AS {body}")
    seal(con, paths)
    return con


def seal(con: duckdb.DuckDBPyConnection, readable: Sequence[str]) -> None:
    """Only ``readable`` files stay open to SQL: no other file, glob, URL or extension, and no
    setting can be changed back (``SET`` fails once the configuration is locked)."""
    con.execute("SET allowed_paths = ?", [list(readable)])
    for name, value in SEALED:
        con.execute(f"SET {name} = {value}")


def data_days(con: duckdb.DuckDBPyConnection) -> tuple[date, date] | None:
    """First and last UTC day holding events (from Parquet statistics, so cheap)."""
    row = con.execute(
        "SELECT min(timestamp)::TIMESTAMP, max(timestamp)::TIMESTAMP FROM events"
    ).fetchall()[0]
    if row[0] is None:
        return None
    return row[0].date(), row[1].date()
