"""``needle plan``: the 12-week plan into product engineering, ticked from your artifacts."""

from __future__ import annotations

from datetime import date

import typer

from needle.artifacts import plan as plan_lib
from needle.cli.artifact_common import opened
from needle.cli.output import JsonFlag, print_json, print_table

app = typer.Typer(help="The 12-week plan: six two-week stages, each with a deliverable.")


@app.callback(invoke_without_command=True)
def show(ctx: typer.Context, json_: JsonFlag = False) -> None:
    """Show the six stages, which deliverables are done, and what each involves."""
    if ctx.invoked_subcommand is not None:
        return
    with opened(ctx) as (_, session, _files):
        rows = plan_lib.rows(session, date.today())
    if json_:
        print_json(rows)
        return
    print_table(["", "weeks", "stage", "starts", "deliverable", "activities"],
                [["✓" if r["done"] else " ", r["weeks"], r["name"], r["starts"],
                  r["deliverable"], r["activities"]] for r in rows],
                title="12-week plan")


@app.command("next")
def next_(ctx: typer.Context, json_: JsonFlag = False) -> None:
    """What to do next, and with which command."""
    with opened(ctx) as (_, session, _files):
        step = plan_lib.next_step(session, date.today())
    if json_:
        print_json(step)
    elif step is None:
        typer.echo("All six deliverables are done: the plan is complete.")
    else:
        typer.echo(f"Stage {step['stage']} ({step['name']}, weeks {step['weeks']}): "
                   f"{step['deliverable']}.\nRun: {step['command']}")
