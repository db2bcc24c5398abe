"""``needle flag``: feature flags the product's PostHog SDKs read from ``needle serve``."""

from __future__ import annotations

from typing import Annotated

import typer

from needle.capture.flags import Flag, FlagSpec, parse_condition, parse_variants
from needle.cli import output
from needle.cli.context import open_workspace
from needle.cli.output import JsonFlag, print_json, print_table
from needle.cli.shapes import Fields, json_shape

app = typer.Typer(help="Feature flags: create them, list them, archive them.",
                  no_args_is_help=True)

# Flag.to_json; docs/flags.md says what each field means.
FLAG: Fields = {
    "key": "str", "id": "int", "active": "bool: served to the SDKs (false once archived)",
    "variants": [{"key": "str", "percent": "float: share of the people in the rollout"}],
    "rollout": "float: percent of the people passing the conditions who get the flag",
    "conditions": [{"property": "str: a person property",
                    "operator": "str: exact, is_not, icontains, gt, gte, lt, lte, is_set or "
                                "is_not_set",
                    "value": "str|null"}],
    "version": "int: grows with every change", "author": "str", "created_at": "datetime",
    "updated_at": "datetime", "archived_at": "datetime|null"}


@app.command()
def create(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Flag key, as the product's code reads it.")],
    variant: Annotated[list[str] | None, typer.Option(
        help="KEY=PERCENT of a multivariate flag (repeat per variant; the percents add up to "
             "100; the first is the control of an experiment on the flag). Without variants "
             "the flag answers true or false.")] = None,
    rollout: Annotated[float, typer.Option(
        help="Percent of the people passing the conditions who get the flag.")] = 100.0,
    where: Annotated[list[str] | None, typer.Option(
        help="person.PROPERTY=VALUE the person must have (repeatable, all must hold; also != ~ "
             "> >= < <=, or ? / !? for set / not set).")] = None,
    replace: Annotated[bool, typer.Option(
        help="Redefine an existing flag (serves an archived one again).")] = False,
) -> None:
    """Create a flag; a running `needle serve` serves it within seconds."""
    spec = FlagSpec(key, parse_variants(variant or []), rollout,
                    tuple(parse_condition(text) for text in where or []))
    flag = open_workspace(ctx).create_flag(spec, replace=replace)
    verb = "Redefined" if flag.version > 1 else "Created"
    typer.echo(f"{verb} flag {key!r} ({_summary(flag)})")


@app.command("list")
@json_shape("Every flag, active ones first.", [FLAG])
def list_(ctx: typer.Context, json_: JsonFlag = False) -> None:
    """Every flag: its variants, rollout and conditions, and whether it is served."""
    flags = open_workspace(ctx).flags()
    if json_:
        print_json([f.to_json() for f in flags])
        return
    print_table(["key", "variants", "rollout", "conditions", "served", "version"],
                [[f.key, _variants(f) or "on/off", f"{f.spec.rollout:g}%", _conditions(f) or "-",
                  "yes" if f.active else "archived", f.version] for f in flags])


@app.command()
@json_shape("The flag's definition.", FLAG)
def show(ctx: typer.Context, key: Annotated[str, typer.Argument(help="Flag key.")],
         json_: JsonFlag = False) -> None:
    """A flag's definition and history."""
    flag = open_workspace(ctx).flag(key)
    if json_:
        print_json(flag.to_json())
        return
    data = flag.to_json()
    print_table(["field", "value"], [[k, v] for k, v in data.items()
                                     if k not in ("variants", "conditions")])
    if flag.spec.variants:
        print_table(["variant", "percent"], [[v.key, f"{v.percent:g}%"]
                                             for v in flag.spec.variants])
    if flag.spec.conditions:
        print_table(["condition"], [[str(c)] for c in flag.spec.conditions])


@app.command()
def archive(ctx: typer.Context, key: Annotated[str, typer.Argument(help="Flag key.")]) -> None:
    """Stop serving a flag (the SDKs get no answer for it); its definition stays."""
    open_workspace(ctx).archive_flag(key)
    output.console.print(f"Archived flag {key!r}: no longer served")


def _variants(flag: Flag) -> str:
    return " ".join(f"{v.key}={v.percent:g}" for v in flag.spec.variants)


def _conditions(flag: Flag) -> str:
    return " ".join(str(c) for c in flag.spec.conditions)


def _summary(flag: Flag) -> str:
    parts = [_variants(flag) or "on/off", f"rollout {flag.spec.rollout:g}%", _conditions(flag)]
    return ", ".join(p for p in parts if p)
