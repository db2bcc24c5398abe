"""The ``needle`` command: a thin shell over the library.

User errors print as one line on stderr with exit code 1; usage errors exit with 2.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from needle.cli.context import Options, parse_overrides
from needle.cli.output import JsonFlag, print_json, print_table
from needle.config import SETTINGS, load_settings
from needle.errors import NeedleError
from needle.workspace import Workspace

# (module under needle.cli, command group name); each module defines ``app``.
GROUPS: tuple[tuple[str, str], ...] = (
    ("events", "events"),
    ("evidence", "evidence"),
    ("query", "query"),
    ("insight", "insight"),
    ("problem", "problem"),
    ("bet", "bet"),
    ("proposal", "proposal"),
    ("journal", "journal"),
    ("goal", "goal"),
    ("ship", "ship"),
    ("teardown", "teardown"),
    ("portfolio", "portfolio"),
    ("plan", "plan"),
    ("experiment", "experiment"),
    ("themes", "themes"),
)
# (module under needle.cli, function name) of top-level commands.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("demo", "demo"),
)


class NeedleGroup(TyperGroup):
    """The root group: turns a Needle error into one line on stderr and exit code 1."""

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except NeedleError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from exc


app = typer.Typer(
    cls=NeedleGroup,
    help="Needle: evidence, analytics, experiments and decisions for product engineers.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _root(
    ctx: typer.Context,
    workspace: Annotated[
        Path | None,
        typer.Option("-w", "--workspace", help="Workspace folder (default: nearest above cwd)."),
    ] = None,
    setting: Annotated[
        list[str] | None,
        typer.Option("--setting", help="Override a setting for this run: name=value (repeatable)."),
    ] = None,
) -> None:
    ctx.obj = Options(workspace, parse_overrides(setting or []))


@app.command()
def init(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="Folder to make a workspace of.")] = Path("."),
) -> None:
    """Create a workspace: needle.toml and .needle/ with the store and the event lake."""
    workspace = Workspace.init(directory, ctx.obj.overrides)
    typer.echo(f"Initialised Needle workspace in {workspace.root}")


@app.command()
def settings(ctx: typer.Context, json_: JsonFlag = False) -> None:
    """List every setting with its value, default and help."""
    values = load_settings(overrides=ctx.obj.overrides)
    try:
        from needle.cli.context import open_workspace

        values = open_workspace(ctx).settings
    except NeedleError:
        pass
    rows = [
        {"name": s.name, "value": values[s.name], "default": s.default, "help": s.help}
        for s in SETTINGS
    ]
    if json_:
        print_json(rows)
    else:
        print_table(["name", "value", "default", "help"], [list(r.values()) for r in rows])


for _module, _name in GROUPS:
    app.add_typer(importlib.import_module(f"needle.cli.{_module}").app, name=_name)
for _module, _function in COMMANDS:
    app.command()(getattr(importlib.import_module(f"needle.cli.{_module}"), _function))


def main() -> None:
    app()
