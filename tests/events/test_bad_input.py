"""A malformed file fails whole with one line naming file, line and reason; --skip-bad skips."""

import csv
import gzip

import pytest

GOOD = "user_id,event,timestamp\nu0,seed,2024-01-01T00:00:00Z\n"
HEADER = "user_id,event,timestamp\n"
ROWS = "u1,a,2024-01-02T00:00:00Z\nu2,b,2024-01-03T00:00:00Z\n"

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
