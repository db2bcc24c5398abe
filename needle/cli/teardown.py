"""``needle teardown``: what a competitor shipped, why, and what we would do differently."""

from __future__ import annotations

from typing import Annotated

import typer

from needle.cli.artifact_common import Id, add_common, edit, opened

app = typer.Typer(help="Competitive teardowns, with sources.", no_args_is_help=True)
Text = Annotated[str | None, typer.Option()]
Sources = Annotated[list[str] | None, typer.Option(
    "--source", help="Where this comes from: a URL or a note (repeatable).")]

Better = Annotated[str | None, typer.Option(help="Where they are better than us.")]
Worse = Annotated[str | None, typer.Option(help="Where they are worse than us.")]


@app.command()
def new(ctx: typer.Context, title: str,
        competitor: Annotated[str, typer.Option(help="Who shipped it.")],
        shipped: Text = None, why: Text = None, differently: Text = None,
        better: Better = None, worse: Worse = None, source: Sources = None) -> None:
    """Write a teardown of a competitor's launch."""
    from needle.artifacts import teardowns

    with opened(ctx) as (workspace, session, _files):
        teardown = teardowns.create(session, title, workspace.author,
                                    {"competitor": competitor, "shipped": shipped, "why": why,
                                     "differently": differently, "better": better,
                                     "worse": worse, "sources": source})
    typer.echo(f"teardown {teardown.id} created")


@app.command("edit")
def edit_(ctx: typer.Context, artifact_id: Id, title: Text = None, competitor: Text = None,
          shipped: Text = None, why: Text = None, differently: Text = None,
          better: Better = None, worse: Worse = None, source: Sources = None,
          status: Text = None) -> None:
    """Change a teardown with flags, or in $EDITOR when no flag is given."""
    edit(ctx, "teardown", artifact_id,
         {"title": title, "competitor": competitor, "shipped": shipped, "why": why,
          "differently": differently, "better": better, "worse": worse,
          "sources": list(source) if source else None,
          "status": status})


add_common(app, "teardown")
