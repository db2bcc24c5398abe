"""``needle interview``: interview guides for a problem, and the notes taken with them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from needle.cli import output
from needle.cli.artifact_common import add_common
from needle.cli.context import open_workspace

app = typer.Typer(help="Interview guides: open questions about past behaviour, and the notes.",
                  no_args_is_help=True)


@app.command()
def guide(ctx: typer.Context,
          problem: Annotated[int, typer.Option(help="The problem to interview about.")],
          question: Annotated[list[str] | None, typer.Option(
              help="A question of your own (repeatable); leading ones are refused.")] = None,
          goal: Annotated[str | None, typer.Option(help="What you want to learn.")] = None,
          ) -> None:
    """Write an interview guide: open questions about what people did, checked for leading,
    closed and hypothetical forms."""
    with open_workspace(ctx) as workspace:
        made = workspace.create_guide(problem, question or [], goal)
    typer.echo(f"guide {made['id']}: {made['title']}")
    for number, text in enumerate(made["fields"]["questions"], 1):
        typer.echo(f"{number}. {text}")
    for finding in made["fields"]["findings"]:
        output.err_console.print(f"warning: {finding['message']}", markup=False,
                                 highlight=False, soft_wrap=True)


@app.command()
def notes(ctx: typer.Context,
          guide_id: Annotated[int, typer.Argument(help="The guide the interviews followed.")],
          paths: Annotated[list[Path], typer.Argument(help="Note files or folders.")]) -> None:
    """Import interview notes as evidence (kind interview), linked to their guide."""
    with open_workspace(ctx) as workspace:
        found = workspace.import_interview_notes(guide_id, paths)
    typer.echo(f"guide {guide_id}: {len(found)} interview notes imported and linked")


add_common(app, "guide")
