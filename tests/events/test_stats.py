"""`needle events stats` counts what the imported files hold (pandas over the files is the
reference), counts again after every change to the lake, and otherwise answers from what it
kept without reading the events."""

import json
import subprocess
import sys

import pandas as pd

ECOM = "data/retentioneering-synthetic/v5.2.4/ecom.csv.gz"
CDNOW = "data/cdnow-purchases/CDNOW_master.txt"


def expected_stats(frame: pd.DataFrame, user: str) -> dict:
    return {"events": len(frame), "users": frame[user].nunique(),
            "first": frame.timestamp.min().tz_localize("UTC").isoformat(),
            "last": frame.timestamp.max().tz_localize("UTC").isoformat(),
            "event_names": frame.event.value_counts().to_dict()}


def test_stats_of_a_real_export_match_the_file(cli, shared) -> None:
    ecom = pd.read_csv(shared / ECOM, parse_dates=["timestamp"])
    cli("events", "import", str(shared / ECOM))
    assert json.loads(cli("events", "stats", "--json").output) == expected_stats(ecom, "user_id")
    assert len(ecom) == 31_106


def test_stats_are_counted_again_after_each_import(cli, shared) -> None:
    cli("events", "import", str(shared / ECOM))
    first = json.loads(cli("events", "stats", "--json").output)
    assert json.loads(cli("events", "stats", "--json").output) == first
    cli("events", "import", str(shared / CDNOW), "--delimiter", "whitespace", "--event",
        "purchase")
    ecom = pd.read_csv(shared / ECOM, parse_dates=["timestamp"])
    cdnow = pd.read_csv(shared / CDNOW, sep=r"\s+", dtype={"customer_id": str},
                        parse_dates=["date"]).rename(columns={"date": "timestamp"})
    both = pd.concat([ecom.assign(user=ecom.user_id), cdnow.assign(
        user=cdnow.customer_id, event="purchase")])
    assert json.loads(cli("events", "stats", "--json").output) == expected_stats(both, "user")


def test_kept_stats_are_read_without_the_query_engine(cli, shared) -> None:
    cli("events", "import", str(shared / ECOM))
    run = [sys.executable, "-X", "importtime", "-m", "needle", "-w", str(cli.root), "events",
           "stats", "--json"]
    counted, kept = (subprocess.run(run, capture_output=True, text=True, check=True)
                     for _ in range(2))
    assert kept.stdout == counted.stdout
    assert "duckdb" in counted.stderr and "duckdb" not in kept.stderr


def test_a_damaged_cache_is_counted_again(cli, shared) -> None:
    cli("events", "import", str(shared / ECOM))
    first = json.loads(cli("events", "stats", "--json").output)
    for kept in cli.root.glob(".needle/cache/lake-stats.json"):
        kept.write_text('{"manifest": ', encoding="utf-8")
    assert json.loads(cli("events", "stats", "--json").output) == first


def test_stats_of_an_empty_lake(cli) -> None:
    assert json.loads(cli("events", "stats", "--json").output) == {
        "events": 0, "users": 0, "first": None, "last": None, "event_names": {}}
