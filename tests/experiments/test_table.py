"""Per-unit tables: duplicates and mixed units are reported, bad values name line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from needle.errors import InputError, UserError
from needle.experiments import TableSpec, analyze_table


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "units.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_duplicate_and_mixed_units_are_excluded_and_reported(tmp_path: Path) -> None:
    rows = ["user,arm,converted"] + [f"u{i},{'a' if i % 2 else 'b'},{i % 3 == 0:d}"
                                     for i in range(400)]
    rows += ["u1,b,1", "u2,b,0"]  # u1 now in both arms; u2 twice in arm b
    result = analyze_table(_write(tmp_path, "\n".join(rows)),
                           TableSpec("arm", ("converted",), unit="user", control="a"))
    assert result.excluded == {"units_in_several_variants": 1, "duplicate_units": 1,
                               "rows_excluded": 4, "examples": ["u1", "u2"]}
    assert sum(result.units) == 398


def test_bad_value_names_file_line_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "arm,converted\na,1\nb,yes\n")
    with pytest.raises(InputError, match=r"units.csv: line 3: column 'converted': 'yes'"):
        analyze_table(path, TableSpec("arm", ("converted",)))


def test_unknown_column_and_control(tmp_path: Path) -> None:
    path = _write(tmp_path, "arm,converted\na,1\nb,0\n")
    with pytest.raises(UserError, match="no column 'spend'"):
        analyze_table(path, TableSpec("arm", ("spend",)))
    with pytest.raises(UserError, match="control 'c' is not a variant"):
        analyze_table(path, TableSpec("arm", ("converted",), control="c"))


def test_ratio_and_quantile_metrics(tmp_path: Path) -> None:
    rows = ["arm,clicks,sessions,latency,zeros"]
    for i in range(2_000):
        arm = "a" if i % 2 else "b"
        rows.append(f"{arm},{i % 7 + (arm == 'b')},{i % 5 + 1},{(i * 37) % 1000},0")
    result = analyze_table(_write(tmp_path, "\n".join(rows)), TableSpec(
        "arm", ("clicks/sessions", "p90(latency)", "p50(zeros)"), control="a"))
    ratio, p90, zeros = result.metrics
    assert (ratio.kind, p90.kind) == ("ratio", "quantile")
    assert ratio.variants[0].mean == pytest.approx(
        sum(i % 7 for i in range(1, 2_000, 2)) / sum(i % 5 + 1 for i in range(1, 2_000, 2)))
    assert ratio.comparisons[0].significant and ratio.comparisons[0].absolute_effect > 0
    assert p90.comparisons[0].not_computable is None
    assert "zero variance" in zeros.comparisons[0].not_computable  # no silent p = 1


@pytest.mark.parametrize(("text", "message"), [
    ("arm,spend\na,1\na,inf\nb,2\nb,3\n", r"line 3: column 'spend': 'inf' is not a finite number"),
    ("arm,spend\na,1\na,2e200\nb,2\nb,3\n", r"line 3: column 'spend': '2e200' is too large"),
    ("arm,spend\na,1\n,2\nb,2\nb,3\n", r"line 3: column 'arm' is empty; every unit needs one"),
    ("arm,spend\na,1\n  ,2\nb,2\nb,3\n", r"line 3: column 'arm' is empty"),
    ("user,arm,spend\nu1,a,1\n,a,2\nu3,b,2\nu4,b,3\n", r"line 3: column 'user' is empty"),
])
def test_a_value_or_variant_that_cannot_be_analysed_names_its_line(
        tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        analyze_table(_write(tmp_path, text), TableSpec(
            "arm", ("spend",), unit="user" if text.startswith("user") else None))


def test_a_table_with_no_rows_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"units\.csv: no units to analyse"):
        analyze_table(_write(tmp_path, "arm,spend\n"), TableSpec("arm", ("spend",)))


def test_a_ratio_whose_control_denominator_is_zero_says_so(tmp_path: Path) -> None:
    path = _write(tmp_path, "arm,clicks,sessions\na,1,0\na,2,0\na,2,0\nb,3,1\nb,4,2\nb,4,3\n")
    ratio = analyze_table(path, TableSpec("arm", ("clicks/sessions",), control="a")).metrics[0]
    assert ratio.comparisons[0].not_computable == (
        "control mean is undefined (e.g. a ratio whose denominator sums to 0)")
    assert ratio.comparisons[0].p_value is None and ratio.variants[1].mean == pytest.approx(11 / 6)


def test_a_parquet_table_names_the_row_and_the_value_as_written(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "units.parquet"
    pq.write_table(pa.table({"arm": ["a", "a", "b", "b"], "spend": [1.0, 2.0, float("nan"), 1.0]}),
                   path)
    with pytest.raises(InputError, match=r"units\.parquet: row 3: column 'spend': 'nan' is not a "
                                         r"number"):
        analyze_table(path, TableSpec("arm", ("spend",)))
