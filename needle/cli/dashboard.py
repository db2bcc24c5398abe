"""``needle dashboard``: saved insights gathered to review together, in an order you choose."""

from __future__ import annotations

from typing import Annotated

import typer

from needle.analytics.dashboards import DashboardView
from needle.cli.context import open_workspace
from needle.cli.output import JsonFlag, print_json, print_table
from needle.cli.shapes import Fields, json_shape

app = typer.Typer(help="Dashboards: saved insights to review together.", no_args_is_help=True)

Id = Annotated[int, typer.Argument(metavar="ID", help="Dashboard id (see the list command).")]
InsightName = Annotated[str, typer.Argument(metavar="INSIGHT", help="Saved insight name.")]
_ITEM: dict[str, Fields] = {"position": "int: 1 is first", "name": "str",
                            "kind": "str: its query kind", "description": "str"}
DASHBOARD: dict[str, Fields] = {  # DashboardView.to_json
    "id": "int", "name": "str", "description": "str", "author": "str",
    "created_at": "datetime", "updated_at": "datetime", "insights": [_ITEM]}
RUN: dict[str, Fields] = DASHBOARD | {"insights": [_ITEM | {
    "query": "object: the insight's stored spec; its fields depend on the kind",
    "result": ("object: as `needle insight run NAME --json` prints it", "null"),
    "error": "str|null: why the insight could not run"}]}


def _say(view: DashboardView, what: str) -> None:
    typer.echo(f"dashboard {view.id} ({view.name}): {what}")


@app.command()
def new(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Dashboard name.")],
    description: Annotated[str, typer.Option(help="What it is for.")] = "",
) -> None:
    """Make an empty dashboard."""
    _say(open_workspace(ctx).create_dashboard(name, description), "created")


@app.command("list")
@json_shape("Every dashboard, by name.", [DASHBOARD])
def list_(ctx: typer.Context, json_: JsonFlag = False) -> None:
    """Every dashboard and its insights."""
    found = open_workspace(ctx).dashboards()
    if json_:
        print_json([d.to_json() for d in found])
        return
    print_table(["id", "name", "insights", "description"],
                [[d.id, d.name, ", ".join(i.name for i in d.insights), d.description]
                 for d in found])


@app.command()
@json_shape("The dashboard with each insight's result now.", RUN)
def show(ctx: typer.Context, dashboard_id: Id, json_: JsonFlag = False) -> None:
    """Run every insight of the dashboard on the events as they are now."""
    run = open_workspace(ctx).run_dashboard(dashboard_id)
    if json_:
        print_json(run.to_json())
        return
    print_table(["position", "insight", "kind", "status"],
                [[i, t.insight.name, t.insight.kind, t.error or "ran"]
                 for i, t in enumerate(run.tiles, 1)], title=run.dashboard.name)


@app.command()
def add(ctx: typer.Context, dashboard_id: Id, insight: InsightName) -> None:
    """Put a saved insight last on the dashboard."""
    _say(open_workspace(ctx).add_to_dashboard(dashboard_id, insight), f"added {insight}")


@app.command()
def remove(ctx: typer.Context, dashboard_id: Id, insight: InsightName) -> None:
    """Take an insight off the dashboard (it stays saved)."""
    _say(open_workspace(ctx).remove_from_dashboard(dashboard_id, insight),
         f"removed {insight}")


@app.command()
def move(
    ctx: typer.Context, dashboard_id: Id, insight: InsightName,
    position: Annotated[int, typer.Argument(help="New position, 1 is first.")],
) -> None:
    """Move an insight to a position; the others shift."""
    view = open_workspace(ctx).move_on_dashboard(dashboard_id, insight, position)
    _say(view, "order " + ", ".join(i.name for i in view.insights))


@app.command()
def delete(ctx: typer.Context, dashboard_id: Id) -> None:
    """Delete the dashboard (its insights stay saved)."""
    open_workspace(ctx).delete_dashboard(dashboard_id)
    typer.echo(f"dashboard {dashboard_id} deleted")
