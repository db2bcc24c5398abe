"""``needle journal``: the decision journal, by week or as a sprint's top decisions."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from needle.artifacts import journal, views
from needle.artifacts.links import parse_link
from needle.cli.artifact_common import Id, Links, add_common, detail, edit, opened, write_file
from needle.cli.output import JsonFlag, print_json, print_table
from needle.cli.shapes import json_shape
from needle.documents import render

app = typer.Typer(help="Decision journal: what was decided, by whom, on what data.")
Text = Annotated[str | None, typer.Option()]
On = Annotated[str | None, typer.Option(
    "--on", help="A day (YYYY-MM-DD) in the period to show; default today.")]


def _day(text: str | None) -> date:
    return journal.day(text, date.today())


def _entries(ctx: typer.Context, period: journal.Period, count: int | None) -> list[dict]:
    with opened(ctx) as (_, session, engine):
        return views.decisions(session, engine, period, count)


@app.callback(invoke_without_command=True)
@json_shape("The week's decisions, as `journal show --json` prints each.", [detail("decision")])
def week(ctx: typer.Context,
         week_: Annotated[bool, typer.Option("--week", help="This week's decisions.")] = False,
         on: On = None, json_: JsonFlag = False) -> None:
    """Print the week's decisions (the default with no command)."""
    if ctx.invoked_subcommand is not None:
        return
    period = journal.week_of(_day(on))
    rows = _entries(ctx, period, None)
    if json_:
        print_json(rows)
        return
    print_table(["id", "decided", "decision", "by", "informed by", "outcome"],
                [[d["id"], d["decided_on"], d["title"], d["fields"]["decided_by"] or d["author"],
                  d["informed_by"], d["fields"]["outcome"] or ""] for d in rows],
                title=f"Decisions, week of {period.start}")


@app.command()
def log(ctx: typer.Context, title: str,
        by: Annotated[str | None, typer.Option(help="Who decided (default: you).")] = None,
        on: On = None, alternative: Text = None, rationale: Text = None,
        importance: Annotated[int, typer.Option(help="1 (minor) to 5 (major).")] = 3,
        link: Links = None) -> None:
    """Log a decision with the data that informed it."""
    with opened(ctx) as (workspace, session, _files):
        decision = journal.log(
            session, title, workspace.author,
            {"decided_by": by, "decided_on": on, "alternative": alternative,
             "rationale": rationale, "importance": importance},
            [parse_link(text) for text in link or []], date.today())
    typer.echo(f"decision {decision.id} logged")


@app.command()
def outcome(ctx: typer.Context, artifact_id: Id,
            text: Annotated[str, typer.Argument(help="What came of it.")]) -> None:
    """Record what came of a decision."""
    edit(ctx, "decision", artifact_id, {"outcome": text, "status": "reviewed"})


@app.command("edit")
def edit_(ctx: typer.Context, artifact_id: Id, title: Text = None, by: Text = None,
          alternative: Text = None, rationale: Text = None) -> None:
    """Change a decision with flags, or in $EDITOR when no flag is given."""
    edit(ctx, "decision", artifact_id, {"title": title, "decided_by": by,
                                         "alternative": alternative, "rationale": rationale})


@app.command()
@json_shape("The top decisions, as `journal show --json` prints each.", [detail("decision")])
def top(ctx: typer.Context, count: Annotated[int, typer.Argument(help="How many.")] = 5,
        sprint: Annotated[bool, typer.Option(
            "--sprint", help=f"The last {journal.SPRINT_DAYS} days (default: this week).")
        ] = False,
        on: On = None,
        out: Annotated[Path | None, typer.Option(
            "--out", "-o", help="Also write the page to this file (.md, .html or .pdf).")
        ] = None,
        json_: JsonFlag = False) -> None:
    """The top decisions of the sprint as a page: who made each, what data informed it."""
    period = journal.sprint_ending(_day(on)) if sprint else journal.week_of(_day(on))
    rows = _entries(ctx, period, count)
    if json_:
        print_json(rows)
        return
    fmt = render.export_format(out, None) if out is not None else "md"
    text = render.markdown("journal_top", {"decisions": rows, "period": period})
    typer.echo(text)
    if out is not None:
        write_file(out, render.export(text, fmt, "Top decisions"))


add_common(app, "decision")
