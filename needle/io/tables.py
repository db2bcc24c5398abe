"""Reading a file users import into an Arrow table of raw columns, whatever its format.

The format comes from the file's name, else from its content. The readers are vectorised
(pyarrow's CSV reader, DuckDB's JSON reader, Arrow compute for whitespace-separated text); only
when a check fails does a row-by-row pass run, to name the exact line of the bad row.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from needle.errors import InputError
from needle.io.delimited import WHITESPACE, delimiter_of, read_delimited, unique
from needle.io.excel import OLE_MAGIC, ZIP_MAGIC, read_xlsx
from needle.io.files import check_utf8, one_line, read_bytes
from needle.io.jsontables import read_json
from needle.io.raw import FORMATS, RawTable, ReadOptions

__all__ = ["FORMATS", "WHITESPACE", "RawTable", "ReadOptions", "delimiter_of", "detect_format",
           "read_table"]

_SUFFIXES = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".json": "json", ".jsonl": "json",
             ".ndjson": "json", ".parquet": "parquet", ".pq": "parquet", ".xlsx": "xlsx",
             ".xlsm": "xlsx", ".xls": "xlsx"}


def read_table(path: Path, options: ReadOptions) -> RawTable:
    """Read ``path`` whole into a :class:`RawTable`, raising :class:`InputError` on a bad row
    unless ``options.skip_bad`` (then bad rows are in ``rejected``)."""
    data = read_bytes(path)
    fmt = options.format or detect_format(path, data)
    if fmt == "parquet":
        return _read_parquet(path, data)
    if fmt == "xlsx":
        return read_xlsx(path, data, options)
    if data.startswith((ZIP_MAGIC, OLE_MAGIC)):
        raise InputError(str(path), "file", "it is a ZIP archive or an Excel workbook, not "
                         "text; to read a workbook choose the xlsx format", field="format")
    data, rejected = check_utf8(path, data, options.skip_bad)
    reader = read_json if fmt == "json" else read_delimited
    raw = reader(path, data, options)
    raw.rejected[:0] = rejected
    return raw


def detect_format(path: Path, data: bytes) -> str:
    """The format named by the file's suffix (under any .gz), else sniffed from its content."""
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    if suffixes and suffixes[-1] in _SUFFIXES:
        return _SUFFIXES[suffixes[-1]]
    if data.startswith(b"PAR1"):
        return "parquet"
    if data.startswith((ZIP_MAGIC, OLE_MAGIC)):
        return "xlsx"
    return "json" if data.lstrip()[:1] in (b"{", b"[") else "csv"


def _read_parquet(path: Path, data: bytes) -> RawTable:
    try:
        table = pq.read_table(pa.BufferReader(data))
    except (pa.ArrowException, OSError) as exc:
        raise InputError(str(path), "file",
                         f"not a readable Parquet file ({one_line(str(exc))})") from None
    unique(str(path), "file", table.column_names)
    return RawTable(str(path), table, lambda row: (f"row {row + 1}", ""))
