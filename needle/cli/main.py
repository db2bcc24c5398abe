"""The ``needle`` command: a thin shell over the library.

User errors print as one line on stderr, worded for the CLI by :mod:`needle.cli.hints`, with
exit code 1; usage errors exit with 2.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from needle.cli.context import Options, open_workspace, parse_overrides
from needle.cli.hints import error_line
from needle.cli.output import JsonFlag, print_json, print_table, visible
from needle.cli.shapes import json_shape
from needle.config import SETTINGS, load_settings, redacted
from needle.errors import NeedleError, NoWorkspace

# Command groups and top-level commands, loaded only when used so that each command imports just
# the libraries it needs: (name, module under needle.cli, attribute, short help). The attribute is
# a Typer app (a group), a function (a command) or, when its name ends in ``_group``, a function
# that makes the group as it is now (``needle query`` has a command per registered query kind); a
# test checks the help matches the module's.
LAZY_COMMANDS: tuple[tuple[str, str, str, str], ...] = (
    ("demo", "demo", "demo", "Build a demo workspace (a fictional team task tracker) and print a "
     "first look at it."),
    ("events", "events", "app", "Product events: import them, look at them."),
    ("evidence", "evidence", "app", "Customer evidence: import it, list it, search it."),
    ("query", "query", "command_group", "Ask questions of product events."),
    ("insight", "insight", "app", "Saved insights: named queries other artifacts can cite."),
    ("dashboard", "dashboard", "app", "Dashboards: saved insights to review together."),
    ("anomalies", "anomalies", "anomalies", "Score every point of a metric series for "
     "anomalies (a file, or a saved insight)."),
    ("week", "week", "week", "This week: metrics against last week, goals, themes, what waits "
     "for a decision."),
    ("review", "review", "review", "The weekly review: what moved and why, and what waits for "
     "a decision."),
    ("alert", "alert", "app", "Alert rules on saved insights, checked by each review."),
    ("experiment", "experiment", "app", "A/B experiments: define, analyse, decide."),
    ("flag", "flag", "app", "Feature flags: create them, list them, archive them."),
    ("themes", "themes", "app", "Themes: evidence synthesised into themes people can read."),
    ("problem", "problem", "app", "Problem statements: who hurts, how many, and the evidence."),
    ("bet", "bet", "app", "Bets: candidate solutions for a problem, scored and ranked."),
    ("proposal", "proposal", "app",
     "Proposals: solution, success metric, baseline, target, decision rule."),
    ("journal", "journal", "app", "Decision journal: what was decided, by whom, on what data."),
    ("goal", "goal", "app", "Goals: move a metric from its baseline to a target by a date."),
    ("ship", "ship", "app", "Ship posts: what shipped and what the data says happened."),
    ("teardown", "teardown", "app", "Competitive teardowns, with sources."),
    ("synthesis", "synthesis", "app",
     "Customer-insight syntheses: themes ranked by frequency and severity."),
    ("portfolio", "portfolio", "app", "Portfolio: your outcomes, each claim linked to its data."),
    ("plan", "plan", "app", "The 12-week plan: six two-week stages, each with a deliverable."),
    ("roadmap", "roadmap", "roadmap", "The roadmap: now, next, later and not doing."),
    ("interview", "interview", "app",
     "Interview guides: open questions about past behaviour, and the notes."),
    ("resume", "resume", "app",
     "Resume bullets from shipped outcomes, each number linked to its query."),
    ("conversation", "conversation", "app",
     "The manager conversation plan: the evidence first, then the ask."),
    ("serve", "serve", "serve", "Serve the workspace's pages and capture the product's events "
     "until Ctrl-C."),
    ("token", "serve", "token", "Print the project token (what the product's SDKs send with "
     "events), or the login token."),
    ("export", "export", "export", "Copy the event lake and its manifest to a folder a Spark "
     "cluster reads."),
)
_LAZY = {name: (module, attribute, help) for name, module, attribute, help in LAZY_COMMANDS}


def load_command(name: str) -> Any:
    """Import the module behind a lazy command and return its click command."""
    module, attribute, _ = _LAZY[name]
    target = getattr(importlib.import_module(f"needle.cli.{module}"), attribute)
    if attribute.endswith("_group"):
        target = target()
    wrapper = typer.Typer()
    wrapper.callback()(_no_options)  # a callback keeps the wrapper a group, its member as written
    if isinstance(target, typer.Typer):
        wrapper.add_typer(target, name=name)
    else:
        wrapper.command(name=name)(target)
    return typer.main.get_command(wrapper).commands[name]  # type: ignore[attr-defined]


def _no_options() -> None:
    """A callback with nothing to do."""


class NeedleGroup(TyperGroup):
    """The root group: loads commands on demand and turns a Needle error into one line on stderr
    with exit code 1."""

    _listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *_LAZY]

    def get_command(self, ctx: Any, name: str) -> Any:
        if name not in _LAZY:
            return super().get_command(ctx, name)
        if self._listing:  # the help page needs only the short help, not the module
            return TyperGroup(name=name, help=_LAZY[name][2])
        return load_command(name)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except NeedleError as exc:
            typer.echo(visible(error_line(exc), newlines=True), err=True)
            raise typer.Exit(1) from exc


app = typer.Typer(
    cls=NeedleGroup,
    help="Needle: evidence, analytics, experiments and decisions for product engineers.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("needle")
        except PackageNotFoundError:  # run from a source tree that was never installed
            number = "unknown (not installed)"
        typer.echo(f"needle {number}")
        raise typer.Exit()


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
    _version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True,
        help="Print Needle's version and exit.")] = False,
) -> None:
    ctx.obj = Options(workspace, parse_overrides(setting or []))


@app.command()
def init(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="Folder to make a workspace of.")] = Path("."),
) -> None:
    """Create a workspace: needle.toml and .needle/ with the store and the event lake."""
    from needle.workspace import Workspace

    workspace = Workspace.init(directory, ctx.obj.overrides)
    typer.echo(f"Initialised Needle workspace in {workspace.root}")


@app.command()
@json_shape("Every setting, in the order of the settings table.", [{
    "name": "str", "value": "str|int|float|bool: in effect here; passwords (in URLs too) as ***",
    "default": "str|int|float|bool", "help": "str"}])
def settings(ctx: typer.Context, json_: JsonFlag = False) -> None:
    """List every setting with its value, default and help."""
    values = load_settings(overrides=ctx.obj.overrides)
    with contextlib.suppress(NoWorkspace):  # outside a workspace: defaults and environment
        values = open_workspace(ctx).settings
    rows = [
        {"name": s.name, "value": redacted(s.name, values[s.name]),
         "default": redacted(s.name, s.default), "help": s.help}
        for s in SETTINGS
    ]
    if json_:
        print_json(rows)
    else:
        print_table(["name", "value", "default", "help"], [list(r.values()) for r in rows])


def main() -> None:
    """Run the command, then freeze every object the process made: the collection at exit
    skips frozen objects, and walking all that SQLAlchemy and the other libraries made cost a
    sixth of the start-up of a command that reads the store. Not after DuckDB was loaded: its
    bindings report every object of theirs still alive at exit as a leak, on stderr."""
    try:
        app()
    finally:
        if "duckdb" not in sys.modules:
            gc.freeze()
