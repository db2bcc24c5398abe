"""A malformed evidence file fails whole with one line naming file, line and reason."""

import csv
import errno
import gzip
import json
import os
import sqlite3

import pytest
from sqlalchemy.exc import OperationalError

import needle.evidence.importer

HEADER = "id,text,created_at\n"
ROWS = "1,Export is slow,2024-03-01\n2,Login fails,2024-03-02\n"

# (file name, content, expected location, words of the reason, rows --skip-bad keeps)
CASES = [
    ("fields.csv", HEADER + ROWS + "3,Too,many,fields\n", "line 4",
     "expected 3 fields, found 4", 2),
    ("time.csv", HEADER + "1,Export is slow,soon\n2,Login fails,2024-03-02\n", "line 2",
     "column 'created_at': cannot read 'soon' as a time", 1),
    ("year1.csv", HEADER + "1,Export is slow,0001-01-01\n" + ROWS.split("\n", 1)[1], "line 2",
     "column 'created_at': '0001-01-01' is outside the accepted range of times, "
     "1970-01-01 to 2200-01-01 (UTC)", 1),
    ("epoch.csv", HEADER + ROWS + "3,Far future,99999999999\n", "line 4",
     "'99999999999' is outside the accepted range", 2),
    # A text longer than Python's csv field limit, located without an id column.
    ("long.csv", "text,created_at\n" + f'"{"Slow. " * 30_000}",2024-03-01\nLogin fails,soon\n',
     "line 3", "cannot read 'soon' as a time", 1),
    ("latin1.csv", (HEADER + ROWS).encode() + "3,Café closed,2024-03-03\n".encode("latin-1"),
     "line 4", "byte 0xe9 at column 6 is not UTF-8", 2),
    # A quote never closed runs to the end of the file: no value, whether one line or several.
    ("open.csv", "text\nLogin fails\n\"Export is slow\n", "line 3", "a quoted value is never "
     "closed", 1),
    ("open_lines.csv", 'id,created_at,text\n1,2024-03-01,Fine\n2,2024-03-02,"Slow\n\nsince "'
     '"Monday""\n', "line 3", "a quoted value is never closed", 1),
    ("survey.jsonl", '{"text": "Great"}\n{"text": "Oops",\n{"text": "Fine"}\n', "line 2",
     "not valid JSON", 2),
]


def _one_line(result) -> str:
    (line,) = [line for line in result.output.splitlines() if line.strip()]
    return line


@pytest.fixture
def seeded(cli, write, stored):  # type: ignore[no-untyped-def]
    cli("evidence", "import", str(write("seed.csv", "text\nAlready here\n")))
    assert stored() == 1


@pytest.mark.parametrize(("name", "content", "where", "reason", "kept"), CASES,
                         ids=[c[0] for c in CASES])
def test_bad_file_fails_whole_and_skip_bad_skips(cli, write, stored, seeded, tmp_path, name,
                                                 content, where, reason, kept):
    path = write(name, content)
    result = cli("evidence", "import", str(path), ok=False)
    assert result.exit_code == 1
    line = _one_line(result)
    assert line.startswith(f"error: {path}: {where}: ") and reason in line
    assert line.endswith("(see --skip-bad)")
    assert stored() == 1

    rejects = tmp_path / "rejected.csv"
    result = cli("evidence", "import", str(path), "--skip-bad", "--rejects", str(rejects))
    assert str(rejects) in result.output
    assert stored() == 1 + kept
    with rejects.open(encoding="utf-8") as f:
        (row,) = list(csv.DictReader(f))
    assert (row["file"], row["location"]) == (str(path), where) and reason in row["reason"]


def test_missing_text_column(cli, write, stored, seeded):
    path = write("tickets.csv", "id,subject\n1,Slow\n")
    line = _one_line(cli("evidence", "import", str(path), ok=False))
    assert line.startswith(f"error: {path}: line 1 (header): no text column (looked for text, ")
    assert line.endswith("name it (see --text-col)")
    assert stored() == 1


def test_truncated_gzip(cli, write, stored, seeded):
    body = HEADER + "".join(f"{i},Ticket number {i},2024-03-01\n" for i in range(20000))
    packed = gzip.compress(body.encode(), compresslevel=1)
    path = write("tickets.csv.gz", packed[: len(packed) // 2])
    line = _one_line(cli("evidence", "import", str(path), ok=False))
    assert line.startswith(f"error: {path}: line ")
    assert line.endswith("gzip stream ends early: the file is truncated")
    assert stored() == 1


def test_bad_front_matter_stops_the_whole_folder(cli, write, stored, seeded, tmp_path):
    write("notes/a.md", "---\ncustomer: acme\n---\nFine note.\n")
    bad = write("notes/b.md", "---\ncustomer: [unclosed\ndate: 2024-03-01\n---\nText.\n")
    line = _one_line(cli("evidence", "import", str(tmp_path / "notes"), ok=False))
    assert line.startswith(f"error: {bad}: line ") and "front matter is not valid YAML" in line
    assert stored() == 1
    wrong = write("notes/c.md", "---\nkind: rumour\n---\nHeard something.\n")
    cli("evidence", "import", str(tmp_path / "notes"), "--skip-bad", "--rejects",
        str(tmp_path / "r.csv"))
    assert stored() == 2
    with (tmp_path / "r.csv").open(encoding="utf-8") as f:
        rejected = {(row["file"], row["location"]) for row in csv.DictReader(f)}
    assert rejected == {(str(bad), "line 3"), (str(wrong), "front matter")}


def test_unknown_kind_and_missing_id(cli, write, stored, seeded):
    result = cli("evidence", "import", str(write("t.csv", ROWS)), "--kind", "rumour", ok=False)
    assert _one_line(result).startswith("error: unknown evidence kind 'rumour'; use one of ")
    result = cli("evidence", "show", "999", ok=False)
    assert result.exit_code == 1
    assert _one_line(result).startswith("error: no evidence with id 999")


def test_rows_without_text_are_skipped_and_counted(cli, write, stored, seeded):
    path = write("tickets.csv", HEADER + '1,Export is slow,2024-03-01\n2,,2024-03-02\n'
                 '3,"  \n ",2024-03-03\n4,Login fails,\n5,,never\n')
    result = json.loads(cli("evidence", "import", str(path), "--json").stdout)
    assert (result["read"], result["added"], result["empty"], result["rejected"]) == (2, 2, 3, 0)
    assert stored() == 3
    assert "Skipped 3 rows with no text." in cli("evidence", "import", str(path)).stderr


def _store_error(*args, **kwargs):  # type: ignore[no-untyped-def]
    raise OperationalError("INSERT INTO evidence (text) VALUES (?)", {"text": "SECRET TEXT"},
                           sqlite3.OperationalError("database or disk is full"))


def _disk_error(*args, **kwargs):  # type: ignore[no-untyped-def]
    raise OSError(errno.EROFS, os.strerror(errno.EROFS))


def _rejects_error(source, target):  # type: ignore[no-untyped-def]
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


# (case, object, attribute, replacement, the line's ending)
DISK_CASES = [
    ("store-full", needle.evidence.importer, "add_evidence", _store_error,
     "cannot store the evidence: database or disk is full; nothing was imported"),
    ("read-only", needle.evidence.importer, "add_evidence", _disk_error,
     "cannot store the evidence: Read-only file system; nothing was imported"),
    ("rejects-full", os, "replace", _rejects_error,
     "cannot write the rejected rows: No space left on device; nothing was imported"),
]


@pytest.mark.parametrize(("case", "target", "name", "replacement", "ending"), DISK_CASES,
                         ids=[c[0] for c in DISK_CASES])
def test_a_failing_disk_changes_nothing(cli, write, seeded, snapshot, monkeypatch, case, target,
                                        name, replacement, ending):
    path = write("tickets.csv", HEADER + ROWS + "3,Too,many,fields\n")
    before = snapshot()
    monkeypatch.setattr(target, name, replacement)
    result = cli("evidence", "import", str(path), "--skip-bad", ok=False)
    assert result.exit_code == 1
    line = _one_line(result)
    assert line.startswith("error: ") and line.endswith(ending)
    assert "SECRET" not in result.output
    assert snapshot() == before


@pytest.mark.parametrize(("date", "problem"), [
    ("2024-13-45", "impossible date: month must be in 1..12"),
    ("2024-02-30", "impossible date: day is out of range for month"),
    ("9999-12-31", "date: '9999-12-31' is outside the accepted range of times"),
    ("0001-01-01", "date: '0001-01-01' is outside the accepted range of times"),
    ('"1969-12-31T23:00:00Z"', "date: '1969-12-31T23:00:00Z' is outside the accepted range"),
])
def test_impossible_or_out_of_range_note_dates_are_refused(cli, write, stored, seeded, date,
                                                            problem):
    before = stored()
    bad = write("note.md", f"---\ndate: {date}\n---\nExport broke.\n")
    line = _one_line(cli("evidence", "import", str(bad), ok=False))
    assert line.startswith(f"error: {bad}: front matter: {problem}")
    assert stored() == before
