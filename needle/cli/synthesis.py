"""``needle synthesis``: the evidence of a period as ranked themes, quotes and priorities."""

from __future__ import annotations

from typing import Annotated

import typer

from needle.analytics.parse import parse_date
from needle.cli.artifact_common import add_common
from needle.cli.context import open_workspace
from needle.evidence.models import KINDS

app = typer.Typer(help="Customer-insight syntheses: themes ranked by frequency and severity.",
                  no_args_is_help=True)


@app.command()
def new(
    ctx: typer.Context,
    start: Annotated[str | None, typer.Option(
        "--from", help="Only evidence dated on or after this day (YYYY-MM-DD, UTC).")] = None,
    end: Annotated[str | None, typer.Option(
        "--to", help="Only evidence dated on or before this day (YYYY-MM-DD, UTC).")] = None,
    kind: Annotated[str | None, typer.Option(
        "--kind", help=f"Only this kind of evidence: {', '.join(KINDS)}.")] = None,
    title: Annotated[str | None, typer.Option(help="A title (default: what it covers).")] = None,
) -> None:
    """Write a synthesis: pieces reviewed by kind, the top themes with frequency, trend and
    severity, a quote each, and recommended priorities."""
    made = open_workspace(ctx).create_synthesis(
        parse_date(start, "start"), parse_date(end, "end"), kind, title)
    typer.echo(f"synthesis {made['id']} created: {made['fields']['summary']}")
    for line in made["fields"]["recommendations"]:
        typer.echo(f"- {line}")


add_common(app, "synthesis")
