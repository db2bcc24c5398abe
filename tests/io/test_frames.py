"""Whole tables for pandas: a header naming a column twice is refused, not renamed."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from needle.errors import InputError
from needle.io.frames import read_frame
from tests.conftest import SHARED

COOKIE_CATS = SHARED / "data" / "cookie-cats-ab" / "cookie_cats.csv"


def _doubled(tmp_path: Path, suffix: str) -> Path:
    """The real Cookie Cats table with its rounds column given twice (the second one empty)."""
    real = pacsv.read_csv(COOKIE_CATS).slice(0, 50)
    table = pa.table([real["userid"], real["version"], real["sum_game_rounds"],
                      pa.nulls(len(real), pa.int64())],
                     names=["userid", "version", "sum_game_rounds", "sum_game_rounds"])
    path = tmp_path / f"units{suffix}"
    if suffix == ".csv":
        pacsv.write_csv(table, path)
    else:
        pq.write_table(table, path)
    return path


@pytest.mark.parametrize(("suffix", "where"), [(".csv", "line 1"), (".parquet", "schema")])
def test_a_column_named_twice_is_one_line_error(tmp_path: Path, suffix: str, where: str) -> None:
    path = _doubled(tmp_path, suffix)
    with pytest.raises(InputError, match=rf"units{suffix}: {where}: "
                                         r"column 'sum_game_rounds' appears twice$"):
        read_frame(path)


def test_blank_names_may_repeat_and_cases_differ(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text("arm,y,Y,,\na,1,2,,\n", encoding="utf-8")
    assert list(read_frame(path).columns) == ["arm", "y", "Y", "Unnamed: 3", "Unnamed: 4"]
