"""``needle resume``: resume bullets in the programme's form, from shipped outcomes."""

from __future__ import annotations

import typer

from needle.cli.artifact_common import add_common, detail
from needle.cli.context import open_workspace
from needle.cli.output import JsonFlag, print_json
from needle.cli.shapes import json_shape

app = typer.Typer(help="Resume bullets from shipped outcomes, each number linked to its query.")


@app.callback(invoke_without_command=True)
@json_shape("The resume just written, as `resume show --json` prints it.", detail("resume"))
def write(ctx: typer.Context, json_: JsonFlag = False) -> None:
    """Write a new version of the resume: one bullet per successful ship post ("Identified X
    affecting Y users, shipped Z, resulting in W% improvement"), titled with the name setting."""
    if ctx.invoked_subcommand is not None:
        return
    with open_workspace(ctx) as workspace:
        made = workspace.write_resume()
        shown = workspace.artifact("resume", made["id"])
    if json_:
        print_json(shown)
        return
    typer.echo(f"resume {made['id']}: {made['title']}")
    for bullet in made["fields"]["bullets"] or ["no bullets yet: ship something and write the "
                                                "post first"]:
        typer.echo(f"- {bullet}")


add_common(app, "resume")
