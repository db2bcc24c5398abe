"""``needle ship``: ship posts with before/after numbers, or the failed-experiment write-up."""

from __future__ import annotations

from typing import Annotated

import typer

from needle.cli import output
from needle.cli.artifact_common import Id, add_common, edit
from needle.cli.context import open_workspace

app = typer.Typer(help="Ship posts: what shipped and what the data says happened.",
                  no_args_is_help=True)
Text = Annotated[str | None, typer.Option()]


@app.command()
def new(ctx: typer.Context, title: str,
        proposal: Annotated[int, typer.Option(help="The approved proposal that shipped.")],
        shipped_on: Annotated[str, typer.Option(help="Launch day, YYYY-MM-DD.")],
        what: Text = None,
        weeks: Annotated[int, typer.Option(help="Weeks on each side of the launch.")] = 4,
        experiment: Annotated[str | None, typer.Option(
            help="The experiment that tested it, if any.")] = None,
        hypothesis: Text = None, learned: Text = None,
        next_steps: Annotated[str | None, typer.Option("--next", help="What we do next.")]
        = None,
        evidence: Annotated[list[int] | None, typer.Option(
            "--evidence", "-e", help="Post-launch feedback (repeatable).")] = None) -> None:
    """Publish a ship post: the proposal's metric before and after, with an interval."""
    fields = {"proposal": proposal, "shipped_on": shipped_on, "what": what, "weeks": weeks,
              "hypothesis": hypothesis, "learned": learned, "next_steps": next_steps}
    with output.err_console.status("Measuring before and after the launch..."):
        workspace = open_workspace(ctx)
        try:
            post = workspace.publish_ship(title, fields, evidence or [], experiment)
        finally:
            workspace.close()
    result = post["fields"]["result"]
    typer.echo(f"ship post {post['id']} published ({result['outcome']}): {result['statement']}")


@app.command("edit")
def edit_(ctx: typer.Context, artifact_id: Id, title: Text = None, what: Text = None,
          hypothesis: Text = None, learned: Text = None,
          next_steps: Annotated[str | None, typer.Option("--next")] = None) -> None:
    """Change a ship post's words with flags, or in $EDITOR; its numbers come from data."""
    edit(ctx, "ship", artifact_id, {"title": title, "what": what, "hypothesis": hypothesis,
                                     "learned": learned, "next_steps": next_steps})


add_common(app, "ship")
