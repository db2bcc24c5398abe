"""``needle review``: the weekly review, as Markdown to paste or as JSON."""

from __future__ import annotations

from typing import Annotated

import typer

from needle.cli.alert import RULE
from needle.cli.artifact_common import GOAL_STATUS
from needle.cli.context import open_workspace
from needle.cli.output import JsonFlag, print_json
from needle.cli.shapes import Fields, json_shape

_DRIVER: Fields = {"kind": "str: property, related event or funnel step",
                   "event": "str: the event (or the funnel step) that moved",
                   "property": "str|null", "value": "str|null",
                   "change": "float: against the same weekday of the three weeks before",
                   "share": "float|null: of the event's move, for a property value"}
REVIEW: dict[str, Fields] = {  # needle.review.review.Review.to_json
    "week": "str: ISO week, YYYY-Www", "start": "date: its Monday", "end": "date: its Sunday",
    "metrics": [{"name": "str", "source": "str: dashboard insight or activity",
                 "ratio": "bool: a conversion rate", "this_week": "float|null",
                 "last_week": "float|null", "median_4_weeks": "float|null: the four weeks "
                 "before this one", "change": "float|null: relative to last week"}],
    "anomalies": [{"metric": "str", "day": "date", "value": "float",
                   "expected": "float|null: median of the same weekday in the three weeks before",
                   "direction": "str: rose or fell", "score": "float: 0 to 1",
                   "ratio": "bool", "drivers": [_DRIVER]}],
    "not_reviewed": ["str: key insights without a daily series (retention, paths, ...)"],
    "themes": {"rising": [{"id": "int", "label": "str", "size": "int", "weeks": ["int"]}],
               "falling": [{"id": "int", "label": "str", "size": "int", "weeks": ["int"]}]},
    "experiments": [{"name": "str", "decision_rule": "str", "ready": "bool",
                     "why": "str", "srm_problem": "bool", "verdict": "str"}],
    "goals": [{**GOAL_STATUS, "off_track": "bool: missed, or nothing to measure"}],
    "proposals": [{"id": "int", "title": "str", "status": "str", "due": "date"}],
    "decisions": [{"id": "int", "title": "str", "decided_on": "date",
                   "decided_by": "str|null", "informed_by": "str"}],
    "observation": "str: one thing to bring to the team meeting",
    "alerts": [RULE]}


@json_shape("The weekly review: key metrics, anomalies with drivers, themes, experiments to "
            "decide, goals off track, overdue proposals, decisions and one observation.", REVIEW)
def review(
    ctx: typer.Context,
    week: Annotated[str | None, typer.Option(
        help="ISO week to review, YYYY-Www (default: the newest complete week of events).")]
    = None,
    json_: JsonFlag = False,
) -> None:
    """The weekly review: what moved and why, and what waits for a decision.

    Anomalies come with their likely drivers. Printed as Markdown, to paste into the meeting's
    notes."""
    from needle.review.render import markdown

    with open_workspace(ctx) as workspace:
        found = workspace.read_review(week)
    if json_:
        print_json(found.to_json())
        return
    print(markdown(found))
