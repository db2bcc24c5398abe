"""Files that used to end in a traceback now import: long fields and lines, a bare header."""

import json

import pytest

HEADER = "user_id,event,timestamp"
LONG = "x" * 200_000  # over Python's csv field limit (131,072): one long GitHub issue body
HUGE = "y" * 50_000_000  # a 50 MB line, over pyarrow's block and DuckDB's largest object


def _event(user: str, **props: str) -> str:
    return json.dumps({"user_id": user, "event": "a", "timestamp": "2024-01-02T00:00:00Z",
                       **props})


# (file name, content, events imported, length of property "body" of the first)
CASES = [
    ("long_field.csv", f'{HEADER},body\nu1,a,2024-01-02T00:00:00Z,"{LONG}"\n', 1, len(LONG)),
    ("long_header_field.csv", f'{HEADER},"{LONG}"\nu1,a,2024-01-02T00:00:00Z,v\n', 1, None),
    ("header_only.csv", HEADER, 0, None),
    ("header_only_crlf.csv", HEADER + "\r\n", 0, None),
    ("no_final_newline.csv", f"{HEADER}\nu1,a,2024-01-02T00:00:00Z", 1, None),
    ("huge_line.csv", f'{HEADER},body\nu1,a,2024-01-02T00:00:00Z,"{HUGE}"\n', 1, len(HUGE)),
    ("huge_line.jsonl", _event("u1", body=HUGE) + "\n" + _event("u2", body="short") + "\n", 2,
     len(HUGE)),
]


@pytest.mark.parametrize(("name", "content", "count", "body"), CASES, ids=[c[0] for c in CASES])
def test_file_imports_whole(cli, write, workspace, lake_rows, name, content, count, body):
    cli("events", "import", str(write(name, content)))
    rows = lake_rows()
    assert workspace.lake.row_count() == len(rows) == count
    if body is not None:
        assert len(json.loads(rows[0]["properties"])["body"]) == body
