"""``query sql`` sees this workspace's ``events`` and nothing else, and never ends in a traceback.

Saved insights keep SQL, and with a shared store one person's SQL runs on another's machine, so
the connection it runs on reads only the lake's files: no other file, glob, workspace, URL or
extension (DuckDB would otherwise download httpfs into ``~/.duckdb`` for an https:// path). No
attempt here reaches a host: addresses are loopback, and refused before any connection.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from needle.analytics.duckdb import DuckDBEngine
from needle.analytics.engine import run
from needle.analytics.results import SqlResult
from needle.analytics.specs import SqlQuery
from needle.errors import UserError
from needle.events.lake import EventLake
from needle.jsontext import dumps
from tests.analytics.conftest import ev, table

ROWS = [ev("u", "x", 0), ev("v", "y", 60), ev("w", "x", 120, {"plan": "pro"})]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A HOME of the test's own, so that ``~/.duckdb`` can be checked."""
    path = tmp_path / "home"
    path.mkdir()
    monkeypatch.setenv("HOME", str(path))
    return path


@pytest.fixture
def other_lake(tmp_path: Path) -> Path:
    """Another workspace's lake: one of its Parquet files."""
    lake = EventLake(tmp_path / "other" / "events")
    lake.append(table([ev("secret-user", "secret-event", 0)]))
    return lake.files()[0]


@pytest.fixture
def engine(tmp_path: Path, home: Path) -> Iterator[DuckDBEngine]:
    lake = EventLake(tmp_path / "ws" / "events")
    lake.append(table(ROWS))
    made = DuckDBEngine(lake.files(), index_dir=tmp_path / "ws" / "index")
    yield made
    made.close()


ATTEMPTS = [
    ("environment", "SELECT * FROM read_text('/proc/self/environ')"),
    ("passwd as CSV", "SELECT * FROM read_csv('/etc/passwd')"),
    ("passwd, auto-detected", "SELECT * FROM read_csv_auto('/etc/passwd')"),
    ("passwd as JSON", "SELECT * FROM read_json('/etc/passwd')"),
    ("a blob", "SELECT * FROM read_blob('/etc/hostname')"),
    ("a list of files", "SELECT * FROM read_text(['/etc/hostname', '/etc/passwd'])"),
    ("root's folder", "SELECT * FROM glob('/root/*')"),
    ("the lake's folder", "SELECT * FROM glob('{lake}/*')"),
    ("a glob over the lake", "SELECT count(*) FROM read_parquet('{lake}/**/*.parquet')"),
    ("another workspace", "SELECT * FROM read_parquet('{other}')"),
    ("another workspace, scanned", "SELECT * FROM '{other}'"),
    ("its metadata", "SELECT * FROM parquet_metadata('{other}')"),
    ("a sniff", "SELECT * FROM sniff_csv('/etc/passwd')"),
    ("inside a CTE", "WITH t AS (SELECT * FROM read_text('/etc/passwd')) SELECT * FROM t"),
    ("inside query()", "SELECT * FROM query('SELECT * FROM read_text(''/etc/passwd'')')"),
    ("after a comment", "-- harmless\nSELECT * FROM read_text('/etc/passwd') -- really"),
    ("https", "SELECT * FROM read_csv('https://127.0.0.1:9/x.csv')"),
    ("http parquet", "SELECT * FROM 'http://127.0.0.1:9/x.parquet'"),
    ("s3", "SELECT * FROM read_parquet('s3://bucket/x.parquet')"),
    ("extensions on disk", "SELECT * FROM duckdb_extensions()"),
    ("a setting", "SET enable_external_access = true"),
    ("an extension", "INSTALL httpfs"),
    ("loading one", "LOAD httpfs"),
    ("another database", "ATTACH '{other}.db' AS o"),
    ("a copy out", "COPY (SELECT 1) TO '{lake}/x.csv'"),
    ("a pragma", "PRAGMA version"),
    ("a call", "CALL pragma_version()"),
    ("a new view", "CREATE VIEW events2 AS SELECT * FROM read_text('/etc/passwd')"),
]


@pytest.mark.parametrize(("case", "sql"), ATTEMPTS, ids=[c for c, _ in ATTEMPTS])
def test_sql_reads_nothing_but_the_events_view(engine: DuckDBEngine, other_lake: Path,
                                               home: Path, case: str, sql: str) -> None:
    lake = engine.files[0].parent
    with pytest.raises(UserError) as caught:
        run(engine, SqlQuery(sql.format(lake=lake, other=other_lake)))
    message = str(caught.value)
    assert message.startswith("SQL: ") and "\n" not in message
    assert "secret" not in message and "root:" not in message
    assert not (home / ".duckdb").exists()
    assert run(engine, SqlQuery("SELECT count(*) AS n FROM events")).rows == ((3,),)


def test_the_connection_is_sealed(engine: DuckDBEngine) -> None:
    """The network refusal, checked on the settings rather than by calling out."""
    settings_ = dict(engine.con.execute(
        "SELECT name, value FROM duckdb_settings() WHERE name IN ('enable_external_access', "
        "'autoinstall_known_extensions', 'autoload_known_extensions', 'lock_configuration', "
        "'allow_community_extensions', 'allow_persistent_secrets')").fetchall())
    assert settings_ == {"enable_external_access": "false", "autoinstall_known_extensions": "false",
                         "autoload_known_extensions": "false", "lock_configuration": "true",
                         "allow_community_extensions": "false",
                         "allow_persistent_secrets": "false"}


@pytest.mark.parametrize(("sql", "rows"), [
    ("SELECT count(*) FROM events -- how many", ((3,),)),
    ("SELECT count(*) FROM events; -- how many", ((3,),)),
    ("SELECT count(*) FROM events /* how many */ ;;", ((3,),)),
    ("-- first a comment\nSELECT count(*) FROM events", ((3,),)),
    ("SELECT '--' AS a, ';' AS b -- ) LIMIT", (("--", ";"),)),
    ("SELECT event, count(*) FROM events GROUP BY ALL ORDER BY 1 -- by event\n",
     (("x", 2), ("y", 1))),
    ("SELECT 1 AS a, 2 AS a", ((1, 2),)),
])
def test_comments_and_semicolons_end_a_statement(engine: DuckDBEngine, sql: str,
                                                 rows: tuple[tuple[Any, ...], ...]) -> None:
    assert run(engine, SqlQuery(sql)).rows == rows


def test_the_lake_and_all_analytics_still_read(engine: DuckDBEngine) -> None:
    result = run(engine, SqlQuery(
        "SELECT distinct_id, json_extract_string(properties, '$.plan') AS plan FROM events "
        "WHERE event = 'x' ORDER BY 1"))
    assert result.rows == (("u", None), ("w", "pro"))


@pytest.mark.parametrize(("sql", "cells"), [
    ("SELECT sum(n) FROM range(4) t(n)", [6]),
    ("SELECT sum(1.25::DECIMAL(10, 2))", [1.25]),
    ("SELECT 12345678901234567890::HUGEINT", [12345678901234567890]),
    ("SELECT '\\xAA\\x01'::BLOB", ["aa01"]),
    ("SELECT 'ab'::BLOB", ["6162"]),
    ("SELECT TIME '12:30:01'", ["12:30:01"]),
    ("SELECT INTERVAL 90 MINUTE, INTERVAL 1 MONTH", ["P0M0DT5400S", "P1M0DT0S"]),
    ("SELECT 'NaN'::DOUBLE, 'inf'::DOUBLE", [None, None]),
    ("SELECT [1.5::DECIMAL(4, 2)], {'a': 2::HUGEINT}", [[1.5], {"a": 2}]),
    ("SELECT MAP {'k': 'v'::BLOB}", [[["k", "76"]]]),
    ("SELECT '00000000-0000-0000-0000-000000000001'::UUID",
     ["00000000-0000-0000-0000-000000000001"]),
    ("SELECT DATE '2024-01-02', TIMESTAMP '2024-01-02 03:04:05'",
     ["2024-01-02", "2024-01-02T03:04:05Z"]),
    ("SELECT TIMESTAMP '2024-01-02 03:04:05.123456', TIMESTAMPTZ '2024-01-02 03:04:05.5+01'",
     ["2024-01-02T03:04:05.123456Z", "2024-01-02T02:04:05.500000Z"]),
    ("SELECT 'infinity'::DATE, '-infinity'::TIMESTAMPTZ, '294247-01-10'::DATE",
     ["infinity", "-infinity", "294247-01-10"]),
])
def test_every_sql_value_prints_as_valid_json(engine: DuckDBEngine, sql: str,
                                              cells: list[Any]) -> None:
    result = run(engine, SqlQuery(sql))
    data = json.loads(json.dumps(result.to_json(), allow_nan=False))
    assert data["rows"] == [cells]


def test_sql_json_through_the_cli_over_decimals_and_blobs(cli) -> None:  # type: ignore[no-untyped-def]
    printed = cli("query", "sql", "SELECT sum(n) AS s, avg(n)::DECIMAL(6,2) AS a, 'ab'::BLOB AS b "
                  "FROM range(3) t(n) -- done", "--json")
    assert json.loads(printed.stdout)["rows"] == [[3, 1.0, "6162"]]
    table = cli("query", "sql", "SELECT 'ab'::BLOB AS b, 'infinity'::DATE AS d -- done")
    assert "infinity" in table.stdout


def test_a_refused_read_is_one_line_on_the_command_line(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("query", "sql", "SELECT * FROM read_text('/proc/self/environ')", ok=False)
    assert result.exit_code == 1 and result.stderr.strip().count("\n") == 0
    assert "SQL: only the events view can be read" in result.stderr


FRAGMENTS = st.sampled_from([
    "SELECT", "FROM", "events", "WHERE", "GROUP BY", "ORDER BY", "LIMIT", "1", "-1", "*", ",",
    "(", ")", ";", "--", "/*", "*/", "\n", "'", "''", "'x'", "$$", "\"", "read_text('/etc/passwd')",
    "glob('*')", "range(3)", "sum(1)", "'\\xAA'::BLOB", "'infinity'::DATE", "INTERVAL 1 DAY",
    "TIME '01:02'", "1.5::DECIMAL(3,1)", "NULL", "UNION", "WITH", "AS", "t", "x", "count(*)",
    "SET", "COPY", "ATTACH", "PRAGMA", "CALL", "EXPLAIN", "CREATE", "::", "[", "]", "{", "}",
    "#1", "?", "$1", "'NaN'::DOUBLE", "[1,2]", "{'a': 1}", "uuid()", "now()", "\x00", "é",
])
SQL_TEXT = st.one_of(st.text(max_size=80),
                     st.lists(FRAGMENTS, max_size=14).map(" ".join),
                     st.lists(FRAGMENTS, max_size=14).map("".join))


@pytest.fixture(scope="module")
def fuzz_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DuckDBEngine]:
    root = tmp_path_factory.mktemp("fuzz")
    lake = EventLake(root / "events")
    lake.append(table(ROWS))
    made = DuckDBEngine(lake.files())
    yield made
    made.close()


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(sql=SQL_TEXT)
def test_any_text_gives_a_result_or_one_line(fuzz_engine: DuckDBEngine, sql: str) -> None:
    try:
        result = run(fuzz_engine, SqlQuery(sql, limit=5))
    except UserError as exc:
        assert "\n" not in str(exc)
        return
    assert isinstance(result, SqlResult) and len(result.rows) <= 5
    json.loads(dumps(result))
