"""``needle problem``: problem statements backed by evidence and usage data.

The library loads in the commands that use it, so that ``problem list`` stays quick."""

from __future__ import annotations

from typing import Annotated

import typer

from needle.cli.artifact_common import REACH, STRENGTH, Id, Links, add_common, edit, opened
from needle.cli.output import JsonFlag, print_json
from needle.cli.shapes import json_shape

app = typer.Typer(help="Problem statements: who hurts, how many, and the evidence.",
                  no_args_is_help=True)
Evidence = Annotated[list[int] | None, typer.Option(
    "--evidence", "-e", help="Evidence id to cite (repeatable).")]


@app.command()
def new(ctx: typer.Context, title: str,
        statement: Annotated[str | None, typer.Option(help="The problem, in users' terms.")] = None,
        affected: Annotated[str | None, typer.Option(help="Who is affected.")] = None,
        evidence: Evidence = None, link: Links = None) -> None:
    """Write a problem statement (starts as a draft)."""
    from needle.artifacts import problems
    from needle.artifacts.links import parse_link

    with opened(ctx) as (workspace, session, _files):
        problem = problems.create(session, title, workspace.author,
                                  {"statement": statement, "affected": affected},
                                  evidence or [], [parse_link(text) for text in link or []])
    typer.echo(f"problem {problem.id} created (draft)")


@app.command("edit")
def edit_(ctx: typer.Context, artifact_id: Id,
          title: Annotated[str | None, typer.Option()] = None,
          statement: Annotated[str | None, typer.Option()] = None,
          affected: Annotated[str | None, typer.Option()] = None,
          status: Annotated[str | None, typer.Option(
              help="draft, open, solved or dropped; leaving draft needs 3 pieces of evidence.")
          ] = None) -> None:
    """Change a problem with flags, or in $EDITOR when no flag is given."""
    edit(ctx, "problem", artifact_id,
         {"title": title, "statement": statement, "affected": affected, "status": status})


@app.command()
def link(ctx: typer.Context, artifact_id: Id,
         links: Annotated[list[str], typer.Argument(help="KIND:REF, e.g. evidence:12.")]) -> None:
    """Cite more evidence or usage data."""
    from needle.artifacts import store
    from needle.artifacts.links import parse_link

    with opened(ctx) as (workspace, session, _files):
        problem = store.get(session, "problem", artifact_id)
        store.add_links(session, problem, [parse_link(text) for text in links], workspace.author)
        count = len(problem.links)
    typer.echo(f"problem {artifact_id}: {count} links")


@app.command()
@json_shape("The problem's reach and the strength of its evidence.",
            REACH | {"strength": STRENGTH})
def reach(ctx: typer.Context, artifact_id: Id, json_: JsonFlag = False) -> None:
    """How many distinct people the problem reaches, and from which sources."""
    from needle.artifacts import store, views

    with opened(ctx) as (_, session, engine):
        view = views.detail(session, engine, store.get(session, "problem", artifact_id))
    if json_:
        print_json(view["reach"] | {"strength": view["strength"]})
    else:
        typer.echo(f"{view['reach']['total']} people: " + "; ".join(view["reach"]["sources"]))


add_common(app, "problem")
