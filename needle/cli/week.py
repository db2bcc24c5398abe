"""``needle week``: this week at a glance, the home page of ``needle serve`` in a terminal."""

from __future__ import annotations

import typer

from needle.cli import output
from needle.cli.artifact_common import GOAL_STATUS
from needle.cli.context import open_workspace
from needle.cli.output import JsonFlag, print_json, print_table
from needle.cli.shapes import Fields, json_shape

_PERIOD: Fields = ({"start": "date", "end": "date"}, "null")
WEEK: dict[str, Fields] = {  # needle.artifacts.week.Week.to_json
    "today": "date", "first": "datetime|null: the first event",
    "last": "datetime|null: the newest event", "this_week": _PERIOD, "last_week": _PERIOD,
    "metrics": [{"name": "str", "event": "str|null: null for people active",
                 "this_week": "int", "last_week": "int",
                 "change": "float|null: relative to last week", "sql": "str: counts both"}],
    "goals": [GOAL_STATUS],
    "themes": [{"id": "int", "label": "str", "size": "int",
                "direction": "str: rising, steady, falling or unknown",
                "new": "bool: first seen in the last two weeks of evidence",
                "first_seen": "datetime|null", "weeks": ["int: pieces per week"]}],
    "experiments": [{"name": "str", "hypothesis": "str", "decision_rule": "str",
                     "analysed": "bool: results were read", "created_at": "datetime"}],
    "proposals": [{"id": "int", "title": "str", "status": "str",
                   "due": "date: its last milestone"}],
    "decisions": [{"id": "int", "title": "str", "decided_on": "date",
                   "decided_by": "str|null", "informed_by": "str"}],
    "evidence": "int: pieces stored"}


@json_shape("This week: key metrics against last week, goals, new and rising themes, "
            "experiments waiting for a decision, proposals past their date, decisions logged.",
            WEEK)
def week(ctx: typer.Context, json_: JsonFlag = False) -> None:
    """This week: metrics against last week, goals, themes, what waits for a decision."""
    with open_workspace(ctx) as workspace:
        found = workspace.this_week()
    if json_:
        print_json(found.to_json())
        return
    if found.this_week is not None and found.last_week is not None:
        print_table(["metric", "this week", "last week", "change"],
                    [[m.name, f"{m.this_week:,}", f"{m.last_week:,}",
                      "" if m.change is None else f"{m.change:+.1%}"] for m in found.metrics],
                    title=f"{found.this_week.start} to {found.this_week.end} against "
                          f"{found.last_week.start} to {found.last_week.end}")
    for title, rows in (
            ("Goals", [f"{g.title}: {g.verdict}" for g in found.goals]),
            ("New and rising themes", [f"{t['id']} {t['label']} ({t['direction']})"
                                       for t in found.themes]),
            ("Experiments waiting for a decision", [e["name"] for e in found.experiments]),
            ("Proposals past their date", [f"{p['id']} {p['title']} (due {p['due']})"
                                           for p in found.proposals]),
            ("Decisions logged this week", [f"{d['decided_on']} {d['title']}"
                                            for d in found.decisions])):
        output.console.print(f"[bold]{title}[/bold]: " + ("; ".join(rows) if rows else "none"))
