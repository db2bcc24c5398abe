"""``needle conversation``: the manager conversation, drafted from the portfolio's evidence."""

from __future__ import annotations

from typing import Annotated

import typer

from needle.cli.artifact_common import add_common, detail
from needle.cli.context import open_workspace
from needle.cli.output import JsonFlag, print_json
from needle.cli.shapes import json_shape

app = typer.Typer(help="The manager conversation plan: the evidence first, then the ask.")


@app.callback(invoke_without_command=True)
@json_shape("The plan just drafted, as `conversation show --json` prints it.",
            detail("conversation"))
def write(ctx: typer.Context,
          manager: Annotated[str | None, typer.Option(help="Who you will talk to.")] = None,
          ask: Annotated[str | None, typer.Option(help="What you will ask for.")] = None,
          json_: JsonFlag = False) -> None:
    """Draft the conversation: what you found, shipped and learned (each number with its
    query), then the ask."""
    if ctx.invoked_subcommand is not None:
        return
    with open_workspace(ctx) as workspace:
        made = workspace.write_conversation(manager, ask)
        shown = workspace.artifact("conversation", made["id"])
    if json_:
        print_json(shown)
        return
    typer.echo(f"conversation {made['id']}: {made['title']}\nHere is the evidence:")
    for line in made["fields"]["evidence"]:
        typer.echo(f"- {line}")
    typer.echo(f"Ask: {made['fields']['ask']}")


add_common(app, "conversation")
