"""``needle insight``: save a query under a name, list, show and run saved ones."""

from __future__ import annotations

from typing import Annotated

import typer

from needle.cli.context import open_workspace
from needle.cli.output import JsonFlag, print_json, print_table
from needle.cli.query import show, spec_from_args, warn
from needle.cli.shapes import Fields, json_shape

app = typer.Typer(
    help="Saved insights: named queries other artifacts can cite.", no_args_is_help=True
)

INSIGHT: Fields = {
    "name": "str", "kind": "str: its query kind", "description": "str", "author": "str",
    "created_at": "datetime", "updated_at": "datetime",
    "query": "object: the stored spec; its fields depend on the kind"}


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def save(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Name to save the query under.")],
    kind: Annotated[
        str, typer.Argument(help="funnel, retention, trend, stickiness, lifecycle, paths or sql.")
    ],
    description: Annotated[
        str, typer.Option("--description", help="What the insight is for.")
    ] = "",
    replace: Annotated[
        bool, typer.Option("--replace", help="Overwrite an insight of that name.")
    ] = False,
) -> None:
    """Save `needle query KIND ARGS...` as NAME, e.g. `needle insight save signup-funnel funnel
    visit signup --window 7d` (options of the query go after KIND)."""
    query = spec_from_args(ctx, kind, ctx.args)
    insight = open_workspace(ctx).save_insight(name, query, description, replace)
    typer.echo(f"Saved {insight.kind} insight {insight.name!r}")


@app.command("list")
@json_shape("Every saved insight, by name.", [INSIGHT])
def list_(ctx: typer.Context, json_: JsonFlag = False) -> None:
    """Every saved insight."""
    insights = open_workspace(ctx).insights()
    if json_:
        print_json([i.to_json() for i in insights])
        return
    print_table(
        ["name", "kind", "description", "author", "updated"],
        [[i.name, i.kind, i.description, i.author, i.updated_at] for i in insights],
    )


@app.command("show")
@json_shape("One saved insight.", INSIGHT)
def show_(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Insight name.")],
    json_: JsonFlag = False,
) -> None:
    """The stored query of one insight."""
    insight = open_workspace(ctx).insight(name)
    if json_:
        print_json(insight.to_json())
        return
    print_table(["field", "value"], [[k, v] for k, v in insight.to_json().items()])


@app.command()
@json_shape("The query's result now, as `needle query KIND --json` prints it for its kind.",
            "object")
def run(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Insight name.")],
    json_: JsonFlag = False,
) -> None:
    """Run a saved insight on the events as they are now."""
    workspace = open_workspace(ctx)
    spec = workspace.insight(name).query
    result = workspace.query(spec)
    warn(workspace.notes(spec, result))
    show(result, json_)
