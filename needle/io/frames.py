"""Small tables read whole into pandas: a per-unit table of an experiment, CSV or Parquet."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from needle.errors import InputError, UserError

_PARQUET = (".parquet", ".pq")


def read_frame(path: Path) -> pd.DataFrame:
    """The file as strings (CSV, empty cells as '') or typed columns (Parquet), by its suffix;
    a file that is not one is a one-line error naming it (and the line, when pandas says)."""
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    try:
        if path.suffix.lower() in _PARQUET:
            _unique(path, "schema", pq.read_schema(path).names)
            return pd.read_parquet(path)
        # pandas renames a repeated header name ("y" then "y.1"), so the header is read raw first
        header = pd.read_csv(path, header=None, nrows=1, dtype=str, keep_default_na=False)
        _unique(path, "line 1", header.iloc[0].tolist())
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise UserError(f"{path}: the file is empty; give a header line and rows") from None
    except pd.errors.ParserError as exc:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if found is None:
            raise UserError(f"{path}: not a readable CSV file: {exc}") from None
        expected, line, saw = found.groups()
        raise InputError(str(path), f"line {line}", f"{saw} fields where the header has "
                         f"{expected}; is this a CSV file?") from None
    except UnicodeDecodeError:
        raise UserError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    except (pa.ArrowException, OSError) as exc:
        raise UserError(f"{path}: not a readable Parquet file: {exc}") from None


def _unique(path: Path, where: str, names: list[str]) -> None:
    """A name given twice would leave one of the columns unread (blank names, which no option
    can name, may repeat)."""
    seen: set[str] = set()
    for name in names:
        if name in seen and name:
            raise InputError(str(path), where, f"column {name!r} appears twice")
        seen.add(name)
