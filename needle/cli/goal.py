"""``needle goal``: outcome goals with a metric, a computed baseline, a target and a date."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from needle.cli.artifact_common import GOAL_STATUS, Id, add_common, edit, opened
from needle.cli.output import JsonFlag, print_json, print_table
from needle.cli.shapes import json_shape

app = typer.Typer(help="Goals: move a metric from its baseline to a target by a date.",
                  no_args_is_help=True)
Text = Annotated[str | None, typer.Option()]
Metric = Annotated[str | None, typer.Option(
    help="e.g. median_days:signup>project_created.")]
Target = Annotated[float | None, typer.Option(help="Target value (a rate as 0.6 for 60%).")]
By = Annotated[str | None, typer.Option("--by", help="Due date, YYYY-MM-DD.")]


@app.command()
def new(ctx: typer.Context, title: str, metric: Metric = None, target: Target = None,
        by: By = None, notes: Text = None) -> None:
    """Set a goal; it must name a metric, a target and a date (the baseline is measured)."""
    from needle.artifacts import goals

    fields = {"metric": metric, "target": target, "due": by, "notes": notes}
    with opened(ctx) as (workspace, session, engine):
        goal = goals.create(session, engine, title, workspace.author, fields)
        baseline = goal.fields["baseline"]["value"]
    typer.echo(f"goal {goal.id} set; baseline {baseline:.4g}" if baseline is not None
               else f"goal {goal.id} set; no baseline data yet")


@app.command("edit")
def edit_(ctx: typer.Context, artifact_id: Id, title: Text = None, metric: Metric = None,
          target: Target = None, by: By = None, notes: Text = None,
          status: Text = None) -> None:
    """Change a goal with flags, or in $EDITOR when no flag is given."""
    edit(ctx, "goal", artifact_id, {"title": title, "metric": metric, "target": target,
                                     "due": by, "notes": notes, "status": status})


@app.command()
@json_shape("Each goal's progress, measured now.", [GOAL_STATUS])
def status(ctx: typer.Context,
           artifact_id: Annotated[int | None, typer.Argument(help="One goal; default all.")]
           = None, json_: JsonFlag = False) -> None:
    """Progress of each goal, measured now from the event lake."""
    from needle.artifacts import goals, store

    with opened(ctx) as (_, session, engine):
        chosen = ([store.get(session, "goal", artifact_id)] if artifact_id is not None
                  else store.list_all(session, "goal"))
        found = [goals.status(engine, g, date.today()) for g in chosen]
    if json_:
        print_json([s.to_json() for s in found])
        return
    print_table(["goal", "title", "metric", "baseline", "now", "target", "due", "progress",
                 "verdict"],
                [[s.goal, s.title, s.metric, _num(s.baseline), _num(s.current), _num(s.target),
                  s.due, "" if s.progress is None else f"{s.progress:.0%}", s.verdict]
                 for s in found])


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4g}"


add_common(app, "goal")
