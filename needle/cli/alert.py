"""``needle alert``: rules on saved insights that each ``needle review`` checks."""

from __future__ import annotations

from typing import Annotated

import typer

from needle.cli import output
from needle.cli.context import open_workspace
from needle.cli.output import JsonFlag, print_json, print_table
from needle.cli.shapes import Fields, json_shape
from needle.errors import UserError

app = typer.Typer(no_args_is_help=True, help="Alert rules on saved insights, checked by "
                  "each review.")

RULE: dict[str, Fields] = {  # needle.review.alerts.RuleState.to_json
    "id": "int", "insight": "str", "kind": "str: above, below, change or anomaly",
    "value": "float|null: the threshold, or the relative change (-0.2: a 20% fall)",
    "rule": "str: the rule in words", "checked_week": "str|null: the week last reviewed",
    "firing": "bool|null: null before a check or when the week has nothing to judge",
    "message": "str|null: what the check saw"}


@app.command("add")
@json_shape("The rule stored.", RULE)
def add(
    ctx: typer.Context,
    insight: Annotated[str, typer.Argument(help="Saved insight to watch.")],
    above: Annotated[float | None, typer.Option(help="Alert when the week is above this.")]
    = None,
    below: Annotated[float | None, typer.Option(help="Alert when the week is below this.")]
    = None,
    change: Annotated[float | None, typer.Option(
        help="Alert on a relative change on last week at least this large (-0.2: a fall of 20% "
             "or more).")] = None,
    anomaly: Annotated[bool, typer.Option("--anomaly", help="Alert on any anomaly the review "
                                                            "finds on the insight.")] = False,
    json_: JsonFlag = False,
) -> None:
    """Add an alert rule on a saved insight (one of --above, --below, --change, --anomaly)."""
    chosen = [(k, v) for k, v in (("above", above), ("below", below), ("change", change))
              if v is not None] + ([("anomaly", None)] if anomaly else [])
    if len(chosen) != 1:
        raise UserError("give one of --above, --below, --change or --anomaly")
    with open_workspace(ctx) as workspace:
        rule = workspace.add_alert(insight, *chosen[0])
    if json_:
        print_json(rule.to_json())
        return
    output.console.print(f"Alert {rule.id}: {rule.text}")


@app.command("list")
@json_shape("Every alert rule with its latest check.", [RULE])
def list_(ctx: typer.Context, json_: JsonFlag = False) -> None:
    """List the alert rules and what their latest check saw."""
    with open_workspace(ctx) as workspace:
        rules = workspace.alerts()
    if json_:
        print_json([r.to_json() for r in rules])
        return
    print_table(["id", "rule", "week", "firing", "message"],
                [[str(r.id), r.text, r.checked_week or "", "" if r.firing is None else
                  str(r.firing).lower(), r.message or ""] for r in rules], title="Alert rules")


@app.command("remove")
def remove(ctx: typer.Context,
           rule_id: Annotated[int, typer.Argument(help="The rule's id.")]) -> None:
    """Remove an alert rule."""
    with open_workspace(ctx) as workspace:
        workspace.remove_alert(rule_id)
    output.console.print(f"Removed alert {rule_id}")
