"""A malformed file fails whole with one line naming file, line and reason; --skip-bad skips."""

import bz2
import csv
import gzip
import io
import json
import lzma

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

GOOD = "user_id,event,timestamp\nu0,seed,2024-01-01T00:00:00Z\n"
HEADER = "user_id,event,timestamp\n"
ROWS = "u1,a,2024-01-02T00:00:00Z\nu2,b,2024-01-03T00:00:00Z\n"
RANGE = "is outside the accepted range of times, 1970-01-01 to 2200-01-01 (UTC)"
LONG = "x" * 200_000  # longer than Python's csv field limit (131,072)


def _jsonl(*rows: dict) -> str:
    return "".join(json.dumps(row) + "\n" for row in rows)


def _parquet(stamps: list) -> bytes:
    out = io.BytesIO()
    pq.write_table(pa.table({"user_id": ["u1", "u2", "u3"], "event": ["a", "b", "c"],
                             "timestamp": pa.array(stamps, pa.timestamp("us", tz="UTC"))}), out)
    return out.getvalue()


def _line(user: str, time: object) -> dict:
    return {"user_id": user, "event": "e", "timestamp": time}

# (file name, content, expected location, words of the reason, rows --skip-bad keeps)
CASES = [
    ("fields.csv", HEADER + ROWS + "u3,c,2024-01-04T00:00:00Z,extra\n",
     "line 4", "expected 3 fields, found 4", 2),
    ("quoted.csv", HEADER + 'u1,"multi\nline",2024-01-02T00:00:00Z\nu2,b\n',
     "line 4", "expected 3 fields, found 2", 1),
    ("time.csv", HEADER + "u1,a,yesterday\n" + ROWS, "line 2",
     "column 'timestamp': cannot read 'yesterday' as a time", 2),
    ("user.csv", HEADER + ROWS + ",c,2024-01-04T00:00:00Z\n", "line 4",
     "column 'user_id': no user id", 2),
    # Blank ids would make one person of every row that lacks one.
    ("blank.csv", HEADER + ROWS + '" \t ",c,2024-01-04T00:00:00Z\n', "line 4",
     "column 'user_id': no user id", 2),
    ("blank.jsonl", _jsonl(_line("u1", "2024-01-02"), {**_line("u2", "2024-01-03"), "event": "  "}),
     "line 2", "column 'event': no event name", 1),
    ("latin1.csv", (HEADER + ROWS).encode() + "u3,café,2024-01-04T00:00:00Z\n".encode("latin-1"),
     "line 4", "byte 0xe9 at column 7 is not UTF-8", 2),
    ("lines.jsonl", '{"user_id": "u1", "event": "a", "timestamp": "2024-01-02T00:00:00Z"}\n'
     '{"user_id": "u2", "event": "b", "timestamp": \n'
     '{"user_id": "u3", "event": "c", "timestamp": 1704326400}\n',
     "line 2", "not valid JSON", 2),
    ("props.csv", HEADER.strip() + ",properties\n" + 'u1,a,2024-01-02T00:00:00Z,"{""x"": 1}"\n'
     "u2,b,2024-01-03T00:00:00Z,not json\n", "line 3", "column 'properties': not a JSON object",
     1),
    ("array.json", '[{"user_id": "u1", "event": "a", "timestamp": "2024-01-02"},\n'
     ' {"user_id": "u2", "event": "b", "timestamp": "later"}]', "record 2",
     "cannot read 'later' as a time", 1),
    ("time.jsonl", '{"user_id": "u1", "event": "a", "timestamp": "2024-01-02T00:00:00Z"}\n\n'
     '{"user_id": "u3", "event": "c", "timestamp": "2024-02-30"}\n',
     "line 3", "cannot read '2024-02-30' as a time", 1),
    # Times out of range: accepted once, they broke every query after.
    ("year1.csv", HEADER + "u1,a,0001-01-01T00:00:00Z\n" + ROWS, "line 2",
     f"column 'timestamp': '0001-01-01T00:00:00Z' {RANGE}", 2),
    ("year9999.csv", HEADER + ROWS + "u3,c,9999-12-31\n", "line 4", f"'9999-12-31' {RANGE}", 2),
    ("epoch.csv", HEADER + ROWS + "u3,c,-99999999999\n", "line 4", f"'-99999999999' {RANGE}", 2),
    ("year5138.jsonl", _jsonl(_line("u1", 1704153600), _line("u2", 99999999999)), "line 2",
     f"'99999999999' {RANGE}", 1),
    ("year1.parquet", _parquet([1704153600000000, -62135596800000000, 1704240000000000]),
     "row 2", f"'0001-01-01 00:00:00+00' {RANGE}", 2),
    # Nested deeper than the JSON reader goes (1,000 levels).
    ("deep.jsonl", _jsonl(_line("u1", "2024-01-02")) + '{"user_id": "u2", "event": "e", '
     '"timestamp": "2024-01-03", "p": ' + "[" * 1000 + "]" * 1000 + "}\n"
     + _jsonl(_line("u3", "2024-01-04")), "line 2", "nested deeper than 128 levels", 2),
    # A line that is JSON but not an object: the reader took the file for one of plain values.
    ("array.jsonl", _jsonl(_line("u1", "2024-01-02")) + '"text"\n'
     + _jsonl(_line("u4", "2024-01-04")), "line 2", "not a JSON object", 2),
    # Keys a table cannot hold as columns.
    ("keys.jsonl", _jsonl(_line("u1", "2024-01-02")) + '{"user_id": "u2", "user_id": "u3"}\n'
     + _jsonl(_line("u4", "2024-01-04")), "line 2", "key 'user_id' appears twice", 2),
    # A field longer than Python's csv limit before the bad row, which is located with it.
    ("long.csv", HEADER.strip() + ",body\n" + f'u1,a,2024-01-02T00:00:00Z,"{LONG}"\n'
     "u2,b,never,short\n", "line 3", "cannot read 'never' as a time", 1),
]


def _error_lines(result) -> list[str]:
    return [line for line in result.output.splitlines() if line.strip()]


def _seeded(cli, write, workspace) -> list:
    cli("events", "import", str(write("good.csv", GOOD)))
    assert workspace.lake.row_count() == 1
    return workspace.lake.files()


@pytest.mark.parametrize(("name", "content", "where", "reason", "kept"), CASES,
                         ids=[c[0] for c in CASES])
def test_bad_file_fails_whole_and_skip_bad_skips(cli, write, workspace, tmp_path, name, content,
                                                 where, reason, kept):
    before = _seeded(cli, write, workspace)
    path = write(name, content)
    result = cli("events", "import", str(path), ok=False)
    assert result.exit_code == 1
    (line,) = _error_lines(result)
    assert line.startswith(f"error: {path}: {where}: ")
    assert reason in line
    assert line.endswith("(see --skip-bad)")
    assert workspace.lake.files() == before
    assert workspace.lake.row_count() == 1

    rejects = tmp_path / "rejects.csv"
    result = cli("events", "import", str(path), "--skip-bad", "--rejects", str(rejects))
    assert workspace.lake.row_count() == 1 + kept
    assert str(rejects) in result.output
    with rejects.open(encoding="utf-8") as f:
        (row,) = list(csv.DictReader(f))
    assert (row["file"], row["location"]) == (str(path), where)
    assert reason in row["reason"]


def test_missing_column_names_the_flag(cli, write, workspace):
    before = _seeded(cli, write, workspace)
    path = write("nouser.csv", "who,event,timestamp\nu1,a,2024-01-02T00:00:00Z\n")
    result = cli("events", "import", str(path), "--skip-bad", ok=False)
    (line,) = _error_lines(result)
    assert line.startswith(f"error: {path}: line 1 (header): no user column (looked for ")
    assert line.endswith("name it (see --user-col)")
    assert workspace.lake.files() == before


def _parquet_named(names: list[str]) -> bytes:
    out = io.BytesIO()
    columns = [["u1"], ["a"], ["2024-01-02T00:00:00Z"], ["x"], ["y"]]
    pq.write_table(pa.Table.from_arrays([pa.array(c) for c in columns], names=names), out)
    return out.getvalue()


# Columns that would become one property: the reader cannot tell them apart, or they share a key.
@pytest.mark.parametrize(("name", "content", "where", "reason"), [
    ("case.csv", HEADER.strip() + ",Plan,plan\nu1,a,2024-01-02T00:00:00Z,x,y\n", "line 1",
     "columns 'Plan' and 'plan' differ only in case"),
    ("case.parquet", _parquet_named(["user_id", "event", "timestamp", "Plan", "plan"]), "file",
     "columns 'Plan' and 'plan' differ only in case"),
    ("flat.csv", HEADER.strip() + ",properties.plan,plan\nu1,a,2024-01-02T00:00:00Z,x,y\n",
     "line 1", "columns 'properties.plan' and 'plan' are both property 'plan'"),
])
def test_columns_that_clash_stop_the_import(cli, write, workspace, name, content, where, reason):
    before = _seeded(cli, write, workspace)
    path = write(name, content)
    result = cli("events", "import", str(path), "--skip-bad", ok=False)
    (line,) = _error_lines(result)
    assert line.startswith(f"error: {path}: {where}")
    assert reason in line
    assert workspace.lake.files() == before


@pytest.mark.parametrize("folder", [".", "rejected"])
def test_rejects_given_a_folder_is_one_line_and_imports_nothing(cli, write, workspace, tmp_path,
                                                                 monkeypatch, folder):
    before = _seeded(cli, write, workspace)
    (tmp_path / "rejected").mkdir()
    monkeypatch.chdir(tmp_path)
    path = write("bad.csv", HEADER + ROWS + ",c,2024-01-04T00:00:00Z\n")
    result = cli("events", "import", str(path), "--skip-bad", "--rejects", folder, ok=False)
    (line,) = _error_lines(result)
    assert line == (f"error: {folder}: cannot write the rejected rows: it is a folder; nothing "
                    "was imported (see --rejects)")
    assert workspace.lake.files() == before


def test_a_blank_event_name_for_every_row_is_refused(cli, write, workspace):
    before = _seeded(cli, write, workspace)
    path = write("purchases.csv", "user_id,timestamp\nu1,2024-01-02T00:00:00Z\n")
    result = cli("events", "import", str(path), "--event", " ", ok=False)
    (line,) = _error_lines(result)
    assert line == ("error: the event name given for every row is blank (see --event-col or "
                    "--event NAME)")
    assert workspace.lake.files() == before


def test_a_json_array_holding_a_value_not_an_object_names_its_record(cli, write, workspace):
    before = _seeded(cli, write, workspace)
    path = write("values.json", '[{"user_id": "u1", "event": "a", "timestamp": "2024-01-02"}, 7]')
    result = cli("events", "import", str(path), ok=False)
    (line,) = _error_lines(result)
    assert line == f"error: {path}: record 2: not a JSON object"
    assert workspace.lake.files() == before


@pytest.mark.parametrize(("name", "pack", "kind"), [
    ("e.csv.bz2", bz2.compress, "bzip2"), ("e.csv.bz2", lambda b: bz2.compress(b, 1), "bzip2"),
    ("e.csv.xz", lzma.compress, "xz")])
def test_another_compression_is_named_not_read_as_text(cli, write, workspace, name, pack, kind):
    before = _seeded(cli, write, workspace)
    path = write(name, pack((HEADER + ROWS).encode()))
    result = cli("events", "import", str(path), "--skip-bad", ok=False)
    (line,) = _error_lines(result)
    assert line == (f"error: {path}: file: it is {kind}-compressed, which is not read; "
                    "decompress it, or compress it with gzip")
    assert workspace.lake.files() == before


def test_truncated_gzip_names_the_last_intact_line(cli, write, workspace):
    before = _seeded(cli, write, workspace)
    body = HEADER + "".join(f"u{i},e,2024-01-02T00:00:{i % 60:02d}Z\n" for i in range(20000))
    packed = gzip.compress(body.encode(), compresslevel=1)
    path = write("cut.csv.gz", packed[: len(packed) // 2])
    result = cli("events", "import", str(path), ok=False)
    (line,) = _error_lines(result)
    assert line.startswith(f"error: {path}: line ")
    assert line.endswith("gzip stream ends early: the file is truncated")
    assert 1 < int(line.split(": line ")[1].split(":")[0]) < 20000
    assert workspace.lake.files() == before


def test_a_bad_second_file_keeps_the_first_out_too(cli, write, workspace):
    before = _seeded(cli, write, workspace)
    good = write("fine.csv", HEADER + ROWS)
    bad = write("bad.csv", HEADER + "u1,a,never\n")
    result = cli("events", "import", str(good), str(bad), ok=False)
    assert result.exit_code == 1
    assert workspace.lake.files() == before
