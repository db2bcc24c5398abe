"""``needle anomalies``: score every point of a metric series (a file, or a saved insight)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from needle.cli.context import Options, open_workspace
from needle.cli.output import JsonFlag, print_json, print_table
from needle.cli.shapes import Fields, json_shape
from needle.config import load_settings
from needle.errors import NoWorkspace, UserError
from needle.review.series import score_file

ROWS: dict[str, Fields] = {  # needle.review.series.ScoredSeries.to_json
    "rows": [{"timestamp": "date|datetime: the input row's time, as given (no zone shift)",
              "value": "float", "score": "float: 0 to 1; higher is more anomalous",
              "alert": "bool: the score reached the anomaly_threshold setting (at most one "
                       "alert per incident)"}]}


def _threshold(ctx: typer.Context) -> float:
    """The anomaly threshold of the workspace here, if any; else defaults, environment and
    ``--setting``."""
    options: Options = ctx.find_root().obj or Options()
    try:
        with open_workspace(ctx) as workspace:
            return float(workspace.settings["anomaly_threshold"])
    except NoWorkspace:
        return float(load_settings(None, overrides=options.overrides)["anomaly_threshold"])


@json_shape("One row per input row, in input order, with its anomaly score and alert.", ROWS)
def anomalies(
    ctx: typer.Context,
    file: Annotated[Path | None, typer.Argument(
        help="CSV or Parquet holding the series (no workspace needed).")] = None,
    time_col: Annotated[str, typer.Option(help="Column holding each row's time (ISO-8601).")]
    = "timestamp",
    value_col: Annotated[str, typer.Option(help="Column holding each row's value.")] = "value",
    insight: Annotated[str | None, typer.Option(
        help="Score a saved trend insight's series instead of a file.")] = None,
    json_: JsonFlag = False,
) -> None:
    """Score every point of a metric series for anomalies (a file, or a saved insight)."""
    if (file is None) == (insight is None):
        raise UserError("give a FILE or --insight NAME (one of them)")
    if insight is not None:
        with open_workspace(ctx) as workspace:
            found = workspace.insight_anomalies(insight)
    else:
        assert file is not None
        found = score_file(file, time_col, value_col, _threshold(ctx))
    if json_:
        print_json(found.to_json())
        return
    alerts = [p for p in found.points if p.alert]
    print_table(["time", "value", "score"],
                [[p.timestamp.isoformat(), f"{p.value:g}", f"{p.score:.4f}"] for p in alerts],
                title=f"{len(alerts)} alerts in {len(found.points):,} points"
                      + (f" (seasonal period {found.period} points)" if found.period else ""))
