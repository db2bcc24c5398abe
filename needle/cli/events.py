"""``needle events``: bring product events into the lake and look at them."""

from __future__ import annotations

import typer

from needle.cli.context import open_workspace
from needle.cli.output import JsonFlag, print_json, print_table
from needle.events.stats import lake_stats

app = typer.Typer(help="Product events: import them, look at them.", no_args_is_help=True)


@app.command()
def stats(ctx: typer.Context, json_: JsonFlag = False) -> None:
    """Events, users, time span and counts per event name."""
    result = lake_stats(open_workspace(ctx).lake)
    if json_:
        print_json(result.to_json())
        return
    print_table(
        ["events", "users", "first", "last"],
        [[f"{result.events:,}", f"{result.users:,}", result.first, result.last]],
    )
    print_table(["event", "count"], [[k, f"{v:,}"] for k, v in result.event_names.items()])
