"""What ``needle experiment`` prints for people: p-values and chances a reader can use, what was
excluded as a sentence (never a Python dict), times to the second, nothing cut off."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from needle.experiments.verdicts import describe_exclusions

CREATE = ["experiment", "create", "checkout", "--exposure-event", "$feature_flag_called",
          "--variant-prop", "$feature_flag_response", "--filter", "$feature_flag=checkout-v2",
          "--control", "control", "--metric", "bought=conversion:purchase:7",
          "--hypothesis", "A shorter checkout raises purchases",
          "--decision-rule", "Ship if bought is significantly higher"]
# A number in scientific notation, or cut by the table (Rich's ellipsis).
SCIENTIFIC = re.compile(r"\d[eE][+-]?\d|…")


@pytest.mark.parametrize(("excluded", "line"), [
    (None, None),
    ({}, None),
    ({"units_in_several_variants": 0}, None),
    ({"units_in_several_variants": 1}, "Excluded 1 unit seen in several variants."),
    ({"units_in_several_variants": 1200}, "Excluded 1,200 units seen in several variants."),
    ({"units_in_several_variants": 2, "duplicate_units": 1, "rows_excluded": 5,
      "examples": ["u1", "u7", "u9"]},
     "Excluded 5 rows: 2 units seen in several variants and 1 unit listed more than once "
     "(for example u1, u7, u9)."),
    ({"units_in_several_variants": 0, "duplicate_units": 3, "rows_excluded": 6,
      "examples": ["a"]},
     "Excluded 6 rows: 3 units listed more than once (for example a)."),
])
def test_exclusions_read_as_a_sentence(excluded: dict | None, line: str | None) -> None:
    assert describe_exclusions(excluded) == line


def _strong_table(tmp_path: Path) -> Path:
    """4,000 units, 10% against 30% conversion (p far below 0.001), and two units repeated."""
    rows = ["unit,arm,converted"]
    rows += [f"u{i},{'ab'[i % 2]},{int(i // 2 % 10 < (1 if i % 2 == 0 else 3))}"
             for i in range(4000)]
    rows += ["u1,a,1", "u2,a,0"]  # u1 is in b: two variants; u2 in a: listed twice
    path = tmp_path / "strong.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_analyze_table_prints_readable_numbers(cli, tmp_path: Path) -> None:
    out = cli("experiment", "analyze-table", str(_strong_table(tmp_path)), "--variant", "arm",
              "--metric", "converted", "--unit", "unit").stdout
    assert "{" not in out
    assert " ".join(out.split()).startswith(
        "Excluded 4 rows: 1 unit seen in several variants and 1 unit listed more than once "
        "(for example u1, u2). ")
    assert "< 0.001" in out and "> 0.999" in out
    assert not SCIENTIFIC.search(out), out
    assert "1,999" in out  # units with thousands separators


def test_list_and_show_print_times_to_the_second(cli, experiment_workspace) -> None:
    cli(*CREATE)
    cli("experiment", "analyze", "checkout")
    for args in (["list"], ["show", "checkout"]):
        out = cli("experiment", *args).stdout
        assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", out), out
        assert not re.search(r"\d\d:\d\d:\d\d\.\d|\dT\d", out), out
    shown = cli("experiment", "show", "checkout").stdout
    assert re.search(r"│ 7\s+│", shown)  # days as a whole number, not 7.0


def test_analyze_prints_no_scientific_notation(cli, experiment_workspace) -> None:
    cli(*CREATE)
    out = cli("experiment", "analyze", "checkout").stdout
    assert not SCIENTIFIC.search(out), out
    assert "Excluded 2 units seen in several variants." in out
