"""``needle anomalies``: a file in, one scored row per input row out, in input order."""

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from needle.cli.main import app
from needle.stats.anomalies import score_series

TAXI = "data/nab/data/realKnownCause/nyc_taxi.csv"


def _run(*args: str, ok: bool = True):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(app, list(args))
    assert (result.exit_code == 0) == ok, result.output
    return result


def test_scores_a_file_outside_a_workspace_in_input_order(shared: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    frame = pd.read_csv(shared / TAXI)
    shuffled = frame.sample(frac=1.0, random_state=3)
    path = tmp_path / "taxi.csv"
    shuffled.rename(columns={"timestamp": "at", "value": "rides"}).to_csv(path, index=False)
    rows = json.loads(_run("anomalies", str(path), "--time-col", "at", "--value-col", "rides",
                           "--json").stdout)["rows"]
    assert [r["timestamp"] for r in rows] == [t.replace(" ", "T") for t in shuffled["timestamp"]]
    assert [r["value"] for r in rows] == shuffled["value"].astype(float).tolist()
    expected = score_series(frame["value"].to_numpy(float), 1800)  # the series in time order
    by_time = {r["timestamp"]: r for r in rows}
    for t, score, alert in zip(frame["timestamp"], expected.score, expected.alert, strict=True):
        assert by_time[t.replace(" ", "T")]["score"] == pytest.approx(score)
        assert by_time[t.replace(" ", "T")]["alert"] == alert


def test_offsets_are_echoed_not_shifted(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    times = pd.date_range("2024-01-01", periods=60, freq="D")
    path.write_text("timestamp,value\n" + "".join(
        f"{t.date()}T09:00:00+02:00,{i % 7}\n" for i, t in enumerate(times)))
    rows = json.loads(_run("anomalies", str(path), "--json").stdout)["rows"]
    assert rows[0]["timestamp"] == "2024-01-01T09:00:00+02:00"


def test_the_table_lists_the_alerts_of_a_real_series(shared: Path) -> None:
    out = " ".join(_run("anomalies", str(shared / TAXI)).stdout.split())
    assert "(seasonal period 336 points)" in out
    assert "2014-12-24" in out and "2015-01-01" in out  # Christmas Eve and New Year's night


@pytest.mark.parametrize(("text", "message"), [
    ("timestamp,value\n2024-01-01,1\n2024-01-02,x\n",
     "line 3: column 'value': 'x' is not a number"),
    ("timestamp,value\n2024-01-01,1\nsoon,2\n", "line 3: column 'timestamp': 'soon' is not an"),
    ("timestamp,value\n2024-01-01,1\n2024-01-01,2\n", "time 2024-01-01T00:00:00 appears twice"),
    ("timestamp,value\n2024-01-01,1\n", "at least two points"),
    ("when,value\n2024-01-01,1\n", "no column 'timestamp'"),
    ("", "the file is empty"),
    ("timestamp\n2024-01-01\n2024-01-02,1,2,3\n", "line 3: 4 fields where the header has 1"),
    (b"timestamp,value\n2024-01-01,\xff\n", "not UTF-8 text"),
    (b"PAR1 not really", "not a readable Parquet file"),
])
def test_bad_input_is_one_line_naming_the_place(tmp_path: Path, text: str | bytes,
                                                message: str) -> None:
    path = tmp_path / ("bad.parquet" if message.endswith("Parquet file") else "bad.csv")
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    result = _run("anomalies", str(path), ok=False)
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_file_or_an_insight_not_both(tmp_path: Path) -> None:
    assert "give a FILE or --insight" in _run("anomalies", ok=False).output


def test_scores_a_saved_trend_insight(demo_workspace) -> None:  # type: ignore[no-untyped-def]
    root = str(demo_workspace.root)
    rows = json.loads(_run("-w", root, "anomalies", "--insight", "daily-active-people",
                           "--json").stdout)["rows"]
    points = demo_workspace.run_insight("daily-active-people").series[0].points
    assert [r["timestamp"] for r in rows] == [p.t.isoformat() for p in points]
    assert [r["value"] for r in rows] == [float(p.value or 0) for p in points]
    refused = _run("-w", root, "anomalies", "--insight", "activation-funnel", ok=False).output
    assert "insight 'activation-funnel' is not a trend" in refused
