"""Real exports import with the files' own counts, and a second import changes nothing."""

import csv
import gzip

import duckdb
import pandas as pd

ECOM = "data/retentioneering-synthetic/v5.2.4/ecom.csv.gz"
CDNOW = "data/cdnow-purchases/CDNOW_master.txt"


def _lake(workspace) -> duckdb.DuckDBPyRelation:
    files = [str(p) for p in workspace.lake.files()]
    return duckdb.sql(f"SELECT * FROM read_parquet({files!r})")


def test_ecom_counts_match_the_file_and_reimport_adds_nothing(cli, workspace, shared) -> None:
    with gzip.open(shared / ECOM, "rt", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) - len({tuple(r.values()) for r in rows}) == 30  # identical rows stay two
    cli("events", "import", str(shared / ECOM))
    assert workspace.lake.row_count() == len(rows) == 31_106
    result = cli("events", "import", str(shared / ECOM), "--json")
    assert '"added": 0' in result.output
    assert workspace.lake.row_count() == len(rows)
    names = _lake(workspace).aggregate("event, count(*)", "event").fetchall()
    expected = pd.Series([r["event"] for r in rows]).value_counts().to_dict()
    assert dict(names) == expected
    users = _lake(workspace).aggregate("count(DISTINCT distinct_id)").fetchall()[0][0]
    assert users == len({r["user_id"] for r in rows})
    first = rows[0]
    row = _lake(workspace).filter(
        f"distinct_id = '{first['user_id']}' AND event = '{first['event']}' AND "
        f"timestamp = TIMESTAMPTZ '{first['timestamp']}+00' AND "
        f"properties->>'session_id' = '{first['session_id']}'"
    ).aggregate("count(*), any_value(properties->>'platform')").fetchall()[0]
    assert row == (1, first["platform"])


def test_cdnow_imports_with_whitespace_delimiter_and_constant_event(cli, workspace, shared):
    expected = pd.read_csv(shared / CDNOW, sep=r"\s+", dtype={"customer_id": str})
    args = ("events", "import", str(shared / CDNOW), "--delimiter", "whitespace",
            "--event", "purchase")
    assert expected.duplicated().sum() == 255  # identical purchases on one day stay two events
    cli(*args)
    cli(*args)
    assert workspace.lake.row_count() == len(expected) == 69_659
    users, first, last, dollars = _lake(workspace).aggregate(
        "count(DISTINCT distinct_id), min(timestamp)::DATE::VARCHAR, "
        "max(timestamp)::DATE::VARCHAR, sum((properties->>'dollar_value')::DECIMAL(12, 2))"
    ).fetchall()[0]
    assert users == expected.customer_id.nunique() == 23_570
    assert (first, last) == ("1997-01-01", "1998-06-30")
    assert float(dollars) == round(expected.dollar_value.sum(), 2)
