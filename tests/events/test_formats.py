"""Each input format and mapping flag, checked on small files whose events we know."""

import gzip
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

POSTHOG_CSV = (
    "uuid,event,distinct_id,timestamp,properties.$browser,properties.plan,person_id\n"
    "0190a1b2-0000-7000-8000-000000000001,$pageview,u1,2024-05-22T17:09:29.220Z,Chrome,pro,p1\n"
    "0190a1b2-0000-7000-8000-000000000002,signup,u2,2024-05-22T18:00:00Z,,free,p2\n"
)
POSTHOG_JSON = [
    {"id": "0190a1b2-0000-7000-8000-00000000000a", "event": "$pageview", "distinct_id": "u1",
     "timestamp": "2024-05-22T17:09:29.220000+00:00",
     "properties": {"$browser": "Firefox", "n": 3, "nested": {"a": [1, 2]}}},
    {"id": "0190a1b2-0000-7000-8000-00000000000b", "event": "signup", "distinct_id": "u2",
     "timestamp": "2024-05-22T18:00:00+00:00", "properties": {"n": "three"}},
]


def _props(rows):
    return [json.loads(r["properties"]) for r in rows]


def test_posthog_csv_export_uses_its_uuids_and_flattened_properties(cli, write, lake_rows):
    cli("events", "import", str(write("posthog.csv", POSTHOG_CSV)))
    rows = lake_rows()
    assert [r["uuid"][-1] for r in rows] == ["1", "2"]
    assert _props(rows) == [{"$browser": "Chrome", "plan": "pro", "person_id": "p1"},
                            {"plan": "free", "person_id": "p2"}]
    assert rows[0]["ts"] == "2024-05-22T17:09:29.220000"


@pytest.mark.parametrize("as_lines", [True, False], ids=["jsonl", "array"])
def test_posthog_json_export_keeps_nested_properties(cli, write, lake_rows, as_lines):
    text = ("\n".join(json.dumps(e) for e in POSTHOG_JSON) if as_lines
            else json.dumps(POSTHOG_JSON, indent=2))
    cli("events", "import", str(write("events.jsonl.gz" if as_lines else "events.json",
                                      gzip.compress(text.encode()) if as_lines else text)))
    rows = lake_rows()
    assert [r["uuid"] for r in rows] == [e["id"] for e in POSTHOG_JSON]
    assert _props(rows) == [e["properties"] for e in POSTHOG_JSON]


def test_csv_properties_column_merges_with_other_columns(cli, write, lake_rows):
    path = write("e.csv", 'user_id,event,time,properties,plan\n'
                          'u1,a,2024-01-01T00:00:00Z,"{""x"": 1, ""plan"": ""old""}",pro\n')
    cli("events", "import", str(path))
    assert _props(lake_rows()) == [{"x": 1, "plan": "pro"}]


def test_parquet_with_typed_columns(cli, write, tmp_path, lake_rows):
    path = tmp_path / "e.parquet"
    stamps = pa.array([1716397769220000, 1716397770000000], pa.timestamp("us", tz="UTC"))
    pq.write_table(pa.table({"user_id": [7, 8], "event_name": ["a", "b"], "created_at": stamps,
                             "amount": [1.5, None]}), path)
    cli("events", "import", str(path))
    rows = lake_rows()
    assert [(r["distinct_id"], r["event"], r["ts"]) for r in rows] == [
        ("7", "a", "2024-05-22T17:09:29.220000"), ("8", "b", "2024-05-22T17:09:30.000000")]
    assert _props(rows) == [{"amount": 1.5}, {}]


@pytest.mark.parametrize("zone", [None, "UTC", "America/New_York"])
def test_parquet_nanosecond_times_keep_their_microseconds(cli, tmp_path, lake_rows, zone):
    path = tmp_path / "e.parquet"  # pandas writes nanosecond times, with or without a zone
    stamps = pa.array([1716397769220123456], pa.timestamp("ns", tz=zone))
    pq.write_table(pa.table({"user_id": ["u1"], "event": ["a"], "timestamp": stamps}), path)
    cli("events", "import", str(path))
    assert [r["ts"] for r in lake_rows()] == ["2024-05-22T17:09:29.220123"]


@pytest.mark.parametrize(("big", "expected"), [
    ("12345678901234567890", {"u1": "12345678901234567890", "u2": "0.5"}),
    ("9007199254740993", {"u1": "9007199254740993", "u2": "0.5"}),  # 2^53 + 1
    ("100000000000000000000", {"u1": 1e20, "u2": 0.5}),  # exact as a double, as Excel holds it
])
def test_a_long_integer_beside_decimals_is_a_number_only_if_exact(cli, write, lake_rows, big,
                                                                   expected):
    path = write("e.csv", f"user_id,event,timestamp,v\nu1,a,2024-01-01T00:00:00Z,{big}\n"
                          "u2,a,2024-01-01T00:00:01Z,0.5\n")
    cli("events", "import", str(path))
    got = {row["distinct_id"]: json.loads(row["properties"])["v"] for row in lake_rows()}
    assert got == expected


def test_identical_rows_stay_two_events_and_reimport_adds_nothing(cli, write, workspace):
    row = "u1,click,2024-01-01T00:00:00Z,blue\n"
    path = write("e.csv", "user_id,event,timestamp,color\n" + row * 2 + row.replace("u1", "u2"))
    cli("events", "import", str(path))
    cli("events", "import", str(path))
    assert workspace.lake.row_count() == 3
    grown = write("more.csv", "user_id,event,timestamp,color\n" + row * 3)
    cli("events", "import", str(grown))
    assert workspace.lake.row_count() == 4


def test_mapping_flags_name_columns_and_limit_properties(cli, write, lake_rows):
    path = write("e.tsv", "who\twhat\twhen\tid\tkeep\tdrop\n"
                          "u1\tpay\t1716397769\tevt-1\t010\tx\n")
    cli("events", "import", str(path), "--user-col", "who", "--event-col", "what",
        "--time-col", "when", "--uuid-col", "id", "--props-cols", "keep")
    (row,) = lake_rows()
    assert (row["uuid"], row["distinct_id"], row["event"]) == ("evt-1", "u1", "pay")
    assert _props([row]) == [{"keep": "010"}]  # a leading zero keeps a code as text


def test_no_header_with_column_names_and_constant_event(cli, write, lake_rows):
    path = write("sample.txt", "  00001  1  19970101  1  11.77\r\n  00002  2  19970112  2  12\r\n")
    cli("events", "import", str(path), "--delimiter", "whitespace", "--no-header",
        "--columns", "customer_id,sample_id,date,cds,value", "--event", "purchase")
    rows = lake_rows()
    assert [(r["distinct_id"], r["event"], r["ts"][:10]) for r in rows] == [
        ("00001", "purchase", "1997-01-01"), ("00002", "purchase", "1997-01-12")]
    assert _props(rows) == [{"sample_id": 1, "cds": 1, "value": 11.77},
                            {"sample_id": 2, "cds": 2, "value": 12}]


@pytest.mark.parametrize(("text", "value"), [
    ("12", 12), ("-12", -12), ("0", 0), ("123456789012345678", 123456789012345678),
    ("1234567890123456789", "1234567890123456789"), ("-1.50", -1.5), ("0.25", 0.25),
    ("9007199254740993", 9007199254740993), ("123456789012345", 123456789012345),
    ("012", "012"), ("1e5", "1e5"), ("+1", "+1"), ("1.", "1."), ("1.2.3", "1.2.3"),
    ("--1", "--1"), ("-", "-"),
])
def test_a_text_column_of_plain_decimals_holds_numbers(cli, write, lake_rows, text, value):
    # BIGINT when every value is an integer of up to 18 digits, DOUBLE when every value is a
    # plain decimal and every integer among them is exact as a double, else
    # text; a second row (an integer) must not change the verdict.
    path = write("e.csv", f"user_id,event,timestamp,v\nu1,a,2024-01-01T00:00:00Z,{text}\n"
                          "u2,a,2024-01-01T00:00:01Z,7\n")
    cli("events", "import", str(path))
    got = {row["distinct_id"]: json.loads(row["properties"])["v"] for row in lake_rows()}
    assert (got["u1"], type(got["u1"])) == (value, type(value))
    seven = {int: 7, float: 7.0, str: "7"}[type(value)]
    assert (got["u2"], type(got["u2"])) == (seven, type(seven))
