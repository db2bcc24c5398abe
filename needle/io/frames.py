"""Small tables read whole into pandas: a per-unit table of an experiment, CSV or Parquet."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from needle.errors import UserError

_PARQUET = (".parquet", ".pq")


def read_frame(path: Path) -> pd.DataFrame:
    """The file as strings (CSV, empty cells as '') or typed columns (Parquet), by its suffix."""
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    if path.suffix.lower() in _PARQUET:
        return pd.read_parquet(path)
    return pd.read_csv(path, dtype=str, keep_default_na=False)
