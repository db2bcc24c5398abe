"""Excel workbooks (.xlsx) into an Arrow table of text columns, as a CSV export of the sheet.

One sheet is read: the first, or the one named (or numbered from 1). Its first non-empty row is
the header; empty rows are skipped. Cells become the text a CSV export would hold, so the same
rules apply after: numbers stay numbers, and a date-time is read like an ISO-8601 time without
zone (wall time in the workspace time zone), a date (or a date-time at midnight) as that day.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pyarrow as pa

from needle.errors import InputError
from needle.io.delimited import numbered, unique
from needle.io.files import BadRow, one_line
from needle.io.raw import RawTable, ReadOptions

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (.xls), which is not read

Cells = tuple[Any, ...]


def read_xlsx(path: Path, data: bytes, options: ReadOptions) -> RawTable:
    if data.startswith(OLE_MAGIC):
        raise InputError(str(path), "file", "an Excel 97-2003 workbook (.xls) cannot be read; "
                         "save it as .xlsx or CSV")
    sheet, rows = _sheet_rows(path, data, options.sheet)
    where = f"sheet {sheet!r}"
    first = next(rows, None)
    if first is None:
        raise InputError(str(path), where, "the sheet is empty; expected a header row")
    names, data_rows = _names(path, where, first, rows, options)
    columns: list[list[str | None]] = [[] for _ in names]
    numbers: list[int] = []
    texts: list[str] = []
    rejected: list[BadRow] = []
    for number, cells in data_rows:
        width = _width(cells)
        text = ",".join(_text(cell) or "" for cell in cells[:width])
        if width > len(names):
            rejected.append(BadRow(str(path), f"{where}, row {number}",
                                   f"expected {len(names)} fields, found {width}", text))
            if not options.skip_bad:
                raise rejected[-1].error()
            continue
        for i, column in enumerate(columns):
            column.append(_text(cells[i]) if i < len(cells) else None)
        numbers.append(number)
        texts.append(text)
    table = pa.table({name: pa.array(col, pa.string()) for name, col in zip(names, columns,
                                                                            strict=True)})

    def locate(row: int) -> tuple[str, str]:
        return f"{where}, row {numbers[row]}", texts[row]

    header = f"{where}, row {first[0]} (header)" if options.header else "columns"
    return RawTable(str(path), table, locate, rejected=rejected, header=header)


def _sheet_rows(path: Path, data: bytes,
                wanted: str | None) -> tuple[str, Iterator[tuple[int, Cells]]]:
    """The sheet's title and its non-empty rows as (row number, cells)."""
    from openpyxl import load_workbook  # a second or so to import: only for workbooks

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a zip of XML read by a third party: anything can go wrong
        raise InputError(str(path), "file", "not a readable Excel workbook (.xlsx): "
                         f"{one_line(str(exc)) or type(exc).__name__}") from None
    sheets = book.worksheets
    if not sheets:
        raise InputError(str(path), "file", "the workbook has no worksheet")
    if wanted is None:
        sheet = sheets[0]
    elif wanted in [s.title for s in sheets]:
        sheet = book[wanted]
    elif wanted.isdigit() and 1 <= int(wanted) <= len(sheets):
        sheet = sheets[int(wanted) - 1]
    else:
        titles = ", ".join(repr(s.title) for s in sheets)
        raise InputError(str(path), "file", f"no sheet {wanted!r}; the sheets are {titles}",
                         field="sheet", value=wanted)
    return sheet.title, _rows(path, sheet)


def _rows(path: Path, sheet: Any) -> Iterator[tuple[int, Cells]]:
    number = 0
    try:
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if any(_text(cell) is not None for cell in cells):
                yield number, tuple(cells)
    except Exception as exc:  # cells are parsed as they are read
        raise InputError(str(path), f"sheet {sheet.title!r}, row {number + 1}",
                         f"cannot read the row: {one_line(str(exc)) or type(exc).__name__}"
                         ) from None


def _names(path: Path, where: str, first: tuple[int, Cells], rows: Iterator[tuple[int, Cells]],
           options: ReadOptions) -> tuple[list[str], Iterator[tuple[int, Cells]]]:
    number, cells = first
    width = _width(cells)
    if not options.header:
        names = list(options.columns) or numbered(width)
        return names, _chain(first, rows)
    names = [(_text(cell) or "").strip() or f"column_{i}"
             for i, cell in enumerate(cells[:width], start=1)]
    if options.columns:
        if len(options.columns) != len(names):
            raise InputError(str(path), f"{where}, row {number}", f"{len(options.columns)} "
                             f"column names given but the header has {len(names)}",
                             field="columns", value=list(options.columns))
        names = list(options.columns)
    return unique(str(path), f"{where}, row {number}", names), rows


def _chain(first: tuple[int, Cells], rows: Iterator[tuple[int, Cells]]
           ) -> Iterator[tuple[int, Cells]]:
    yield first
    yield from rows


def _width(cells: Cells) -> int:
    """Cells up to the last one that holds something."""
    return max((i + 1 for i, cell in enumerate(cells) if _text(cell) is not None), default=0)


def _text(cell: Any) -> str | None:
    """A cell as a CSV export would write it; None when empty."""
    if cell is None:
        return None
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == time() else cell.isoformat()
    if isinstance(cell, date | time):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    text = str(cell)
    return text if text.strip() else None
