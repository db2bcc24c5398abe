"""``needle plan``: the 12-week plan into product engineering, lived in time."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from needle.artifacts.journal import day
from needle.artifacts.plan import window
from needle.cli.context import open_workspace
from needle.cli.hints import with_command
from needle.cli.output import JsonFlag, print_json, print_table
from needle.cli.shapes import Fields, json_shape

app = typer.Typer(help="The 12-week plan: six two-week stages, each with a deliverable.")
STAGE: Fields = {
    "stage": "int: 1 to 6", "name": "str: the stage's goal", "weeks": "str: e.g. 1-2",
    "starts": "date", "due": "date: the stage's last day", "activities": ["str"],
    "habits": ["str: journal or evidence (see plan habits)"],
    "deliverable": "str: the programme's wording",
    "status": "str: not_started, in_progress, done or late",
    "finished": "str|null: early, on time or late, once done", "done_on": "date|null",
    "missing": "str|null: what the deliverable still lacks", "command": "str: what to run"}
HABIT: Fields = {"habit": "str", "label": "str", "unit": "str: working day or week",
                 "current": "int: the streak now", "best": "int: the longest streak",
                 "times": "int: how often it was kept"}
MARK = {"done": "✓", "late": "!", "in_progress": "→", "not_started": " "}


@app.callback(invoke_without_command=True)
@json_shape("The six stages as they stand today.", [STAGE])
def show(ctx: typer.Context, json_: JsonFlag = False) -> None:
    """Show the six stages: status, due day and deliverable, with this week's activities."""
    if ctx.invoked_subcommand is not None:
        return
    today = date.today()
    with open_workspace(ctx) as workspace:
        rows = [with_command(row) for row in workspace.plan(today)]
        where = workspace.plan_overview(today)
    if json_:
        print_json(rows)
        return
    print_table(["", "weeks", "stage", "due", "status", "deliverable"],
                [[MARK[r["status"]], r["weeks"], r["name"], r["due"],
                  r["status"].replace("_", " ") + (f" ({r['finished']})" if r["finished"]
                                                   else ""), r["deliverable"]] for r in rows],
                title="12-week plan")
    if where["started"] is None:
        typer.echo("Not started: run `needle plan start` on the first day of week 1.")
    elif where["week"] is not None:
        stage = rows[where["stage"] - 1]
        typer.echo(f"Week {where['week']} of 12 (stage {stage['stage']}, {stage['name']}):")
        for activity in stage["activities"]:
            typer.echo(f"- {activity}")


@app.command("start")
def start(ctx: typer.Context, on: Annotated[str | None, typer.Option(
        "--date", help="The first day of week 1 (YYYY-MM-DD; default today).")] = None) -> None:
    """Start the plan: week 1 begins on the day given. Only artifacts made from now on count."""
    week1 = day(on, date.today())
    with open_workspace(ctx) as workspace:
        workspace.start_plan(week1)
    typer.echo(f"plan started: week 1 begins {week1}; stage 1 is due "
               f"{window(week1, 1)[1]}")


@app.command("habits")
@json_shape("The plan's habits as streaks, read from the data.", [HABIT])
def habits(ctx: typer.Context, json_: JsonFlag = False) -> None:
    """The habits as streaks: a decision each working day, evidence read each week."""
    with open_workspace(ctx) as workspace:
        found = workspace.plan_overview(date.today())["habits"]
    if json_:
        print_json(found)
        return
    print_table(["habit", "streak now", "best", "times"],
                [[h["label"], f"{h['current']} {h['unit']}(s)", h["best"], h["times"]]
                 for h in found], title="Habits")


@app.command("next")
@json_shape("The one next action; null when every deliverable is done.", (STAGE, "null"))
def next_(ctx: typer.Context, json_: JsonFlag = False) -> None:
    """What to do next, with its command (the web's /plan links the page)."""
    with open_workspace(ctx) as workspace:
        found = workspace.plan_next(date.today())
    step = None if found is None else with_command(found)
    if json_:
        print_json(step)
    elif step is None:
        typer.echo("All six deliverables are done: the plan is complete.")
    else:
        typer.echo(f"Stage {step['stage']} ({step['name']}, weeks {step['weeks']}, due "
                   f"{step['due']}, {step['status'].replace('_', ' ')}): "
                   f"{step['missing'] or step['deliverable']}.\nRun: {step['command']}")
