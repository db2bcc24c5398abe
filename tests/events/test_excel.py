"""Excel workbooks (.xlsx) are read, not taken for CSV: the first sheet or the one named."""

import io
import json
from datetime import date, datetime

import pytest
from openpyxl import Workbook


def _xlsx(**sheets: list[list]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


EVENTS = [["user_id", "event", "timestamp", "amount", "paid", None],
          ["u1", "buy", datetime(2024, 5, 22, 17, 9, 29), 12.5, True],
          [None, None, None],
          [7, "refund", date(2024, 5, 23), 3, False]]
OTHER = [["distinct_id", "event", "time"], ["u9", "visit", "2024-06-01T10:00:00Z"]]

# (workbook, extra arguments, (user, event, time, properties) of each event)
CASES = [
    (_xlsx(Events=EVENTS, Other=OTHER), (),
     [("u1", "buy", "2024-05-22T17:09:29", {"amount": 12.5, "paid": "true"}),
      ("7", "refund", "2024-05-23T00:00:00", {"amount": 3, "paid": "false"})]),
    (_xlsx(Events=EVENTS, Other=OTHER), ("--sheet", "Other"),
     [("u9", "visit", "2024-06-01T10:00:00", {})]),
    (_xlsx(Events=EVENTS, Other=OTHER), ("--sheet", "2"),
     [("u9", "visit", "2024-06-01T10:00:00", {})]),
    (_xlsx(Blank=[[], [None, None], *OTHER]), (), [("u9", "visit", "2024-06-01T10:00:00", {})]),
]


@pytest.mark.parametrize(("book", "args", "events"), CASES)
def test_a_workbook_sheet_imports(cli, write, lake_rows, book, args, events):
    cli("events", "import", str(write("events.xlsx", book)), *args)
    rows = lake_rows()
    assert [(r["distinct_id"], r["event"], r["ts"][:19], json.loads(r["properties"]))
            for r in rows] == events


BAD = _xlsx(Events=[EVENTS[0], EVENTS[1], ["u2", "buy", "soon"], ["u3", "buy", "2024-01-01",
                                                                  1, True, None, "extra"]])

# (file name, content, extra arguments, where, words of the reason, the flag suggested)
ERRORS = [
    ("events.xlsx", _xlsx(Events=EVENTS), ("--sheet", "Nope"), "file",
     "no sheet 'Nope'; the sheets are 'Events'", "--sheet"),
    ("events.xlsx", BAD, (), "sheet 'Events', row 4", "expected 5 fields, found 7", "--skip-bad"),
    ("events.xlsx", _xlsx(Events=[*EVENTS[:2], ["u2", "buy", "soon"]]), (), "sheet 'Events', row 3",
     "column 'timestamp': cannot read 'soon' as a time", "--skip-bad"),
    ("events.xlsx", BAD[:1000], (), "file", "not a readable Excel workbook (.xlsx)", None),
    ("events.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), (), "file",
     "an Excel 97-2003 workbook (.xls) cannot be read; save it as .xlsx or CSV", None),
    ("events.csv", _xlsx(Events=EVENTS), (), "file",
     "it is a ZIP archive or an Excel workbook, not text", "--format"),
    ("empty.xlsx", _xlsx(Empty=[]), (), "sheet 'Empty'", "the sheet is empty", None),
]


@pytest.mark.parametrize(("name", "content", "args", "where", "reason", "see"), ERRORS)
def test_a_bad_workbook_is_one_line(cli, write, workspace, name, content, args, where, reason,
                                    see):
    path = write(name, content)
    result = cli("events", "import", str(path), *args, ok=False)
    (line,) = [line for line in result.output.splitlines() if line.strip()]
    assert line.startswith(f"error: {path}: {where}: {reason}")
    assert line.endswith(f"(see {see})") if see else "(see " not in line
    assert workspace.lake.row_count() == 0


def test_skip_bad_skips_the_bad_rows_of_a_sheet(cli, write, workspace, tmp_path):
    rejects = tmp_path / "r.csv"
    cli("events", "import", str(write("events.xlsx", BAD)), "--skip-bad", "--rejects",
        str(rejects))
    assert workspace.lake.row_count() == 1
    text = rejects.read_text(encoding="utf-8")
    assert "sheet 'Events', row 3" in text and "sheet 'Events', row 4" in text
    assert "expected 5 fields, found 7" in text
