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
