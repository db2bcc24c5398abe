"""A malformed evidence file fails whole with one line naming file, line and reason."""

import csv
import gzip

import pytest

HEADER = "id,text,created_at\n"
ROWS = "1,Export is slow,2024-03-01\n2,Login fails,2024-03-02\n"

# (file name, content, expected location, words of the reason, rows --skip-bad keeps)
CASES = [
    ("fields.csv", HEADER + ROWS + "3,Too,many,fields\n", "line 4",
     "expected 3 fields, found 4", 2),
    ("time.csv", HEADER + "1,Export is slow,soon\n2,Login fails,2024-03-02\n", "line 2",
     "column 'created_at': cannot read 'soon' as a time", 1),
    ("empty.csv", HEADER + ROWS + '3,"  ",2024-03-03\n', "line 4", "column 'text': no text", 2),
    ("latin1.csv", (HEADER + ROWS).encode() + "3,Café closed,2024-03-03\n".encode("latin-1"),
     "line 4", "byte 0xe9 at column 6 is not UTF-8", 2),
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
