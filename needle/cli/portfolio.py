"""``needle portfolio``: a static site and PDF of outcomes, plus resume bullets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from needle.cli import output
from needle.cli.artifact_common import opened
from needle.cli.output import JsonFlag, print_json
from needle.cli.shapes import json_shape
from needle.documents import portfolio

app = typer.Typer(help="Portfolio: your outcomes, each claim linked to its data.",
                  no_args_is_help=True)


@app.command()
@json_shape("What was written, and every number shown with how to get it again.", {
    "out": "str: the folder", "pages": ["str: file names"], "bullets": ["str: resume bullets"],
    "claims": [{"id": "str", "artifact": "str", "label": "str", "value": "float",
                "display": "str: as printed", "source": "str: events, store or derived",
                "sql": "str|null", "column": "str", "derived_from": ["str"],
                "method": "str|null"}]})
def build(ctx: typer.Context,
          out: Annotated[Path | None, typer.Option(
              "--out", help="Folder to write (default: portfolio/ in the workspace).")] = None,
          json_: JsonFlag = False) -> None:
    """Build the site (index.html, a page per artifact, portfolio.pdf, claims.json)."""
    with output.err_console.status("Building the portfolio..."), opened(ctx) as (
            workspace, session, engine):
        book = portfolio.build(session, engine, out or workspace.root / "portfolio",
                               workspace.author)
    if json_:
        print_json(book.to_json())
        return
    typer.echo(f"portfolio written to {book.out} ({len(book.pages)} pages, "
               f"{len(book.claims)} numbers with their queries)")
    for bullet in book.bullets:
        typer.echo(f"- {bullet}")
