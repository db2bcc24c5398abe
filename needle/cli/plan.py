"""``needle plan``: the 12-week plan into product engineering, ticked from your artifacts."""

from __future__ import annotations

from datetime import date

import typer

from needle.artifacts import plan as plan_lib
from needle.cli.artifact_common import opened
from needle.cli.hints import with_command
from needle.cli.output import JsonFlag, print_json, print_table
from needle.cli.shapes import Fields, json_shape

app = typer.Typer(help="The 12-week plan: six two-week stages, each with a deliverable.")
STAGE: Fields = {
    "stage": "int: 1 to 6", "name": "str", "weeks": "str: e.g. 1-2", "starts": "date",
    "activities": "str", "deliverable": "str", "done": "bool", "command": "str: what to run"}


@app.callback(invoke_without_command=True)
@json_shape("The six stages.", [STAGE])
def show(ctx: typer.Context, json_: JsonFlag = False) -> None:
    """Show the six stages, which deliverables are done, and what each involves."""
    if ctx.invoked_subcommand is not None:
        return
    with opened(ctx) as (_, session, _files):
        rows = [with_command(row) for row in plan_lib.rows(session, date.today())]
    if json_:
        print_json(rows)
        return
    print_table(["", "weeks", "stage", "starts", "deliverable", "activities"],
                [["✓" if r["done"] else " ", r["weeks"], r["name"], r["starts"],
                  r["deliverable"], r["activities"]] for r in rows],
                title="12-week plan")


@app.command("next")
@json_shape("The first stage not done; null when all are.", (STAGE, "null"))
def next_(ctx: typer.Context, json_: JsonFlag = False) -> None:
    """What to do next, and with which command."""
    with opened(ctx) as (_, session, _files):
        found = plan_lib.next_step(session, date.today())
    step = None if found is None else with_command(found)
    if json_:
        print_json(step)
    elif step is None:
        typer.echo("All six deliverables are done: the plan is complete.")
    else:
        typer.echo(f"Stage {step['stage']} ({step['name']}, weeks {step['weeks']}): "
                   f"{step['deliverable']}.\nRun: {step['command']}")
