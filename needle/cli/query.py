"""``needle query``: one command per query kind of the registry (:mod:`needle.analytics.kinds`)
that has options; each option becomes a CLI option (or argument) of the same name."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any

import typer
from typer.main import get_command

from needle.analytics import kinds
from needle.analytics.notes import Note
from needle.analytics.results import Result
from needle.analytics.specs import FunnelQuery, Query
from needle.cli import output
from needle.cli.context import open_workspace
from needle.cli.hints import HINTS
from needle.cli.output import JsonFlag, print_json, print_table
from needle.cli.shapes import Fields, json_shape, result_fields
from needle.errors import UserError

HELP = "Ask questions of product events."

_PEOPLE = inspect.Parameter(
    "people", inspect.Parameter.KEYWORD_ONLY, default=None,
    annotation=Annotated[int | None, typer.Option(
        help="List the people who reached this step and went no further.")])
# Options only the terminal has, by kind.
_EXTRA: dict[str, tuple[inspect.Parameter, ...]] = {"funnel": (_PEOPLE,)}
# What those options print instead of the result: (when, shape).
_EXTRA_JSON: dict[str, tuple[str, Fields]] = {"funnel": (
    "With --people K: the people whose furthest step is K.",
    {"step": "int", "people": ["str: distinct_id"]})}


def _parameter(option: kinds.Option) -> inspect.Parameter:
    """The Typer parameter of a kind's option."""
    kind: Any = list[option.type] if option.multiple else option.type  # type: ignore[name-defined]
    if option.argument:
        info: Any = typer.Argument(help=option.help, metavar=option.long)
        default = inspect.Parameter.empty
    else:
        kind = kind | None if option.default is None and not option.required else kind
        flags = (f"--{option.long}",) if option.type is not bool else (
            f"--{option.long}/--no-{option.long}",)
        info = typer.Option(*flags, help=option.help)
        default = inspect.Parameter.empty if option.required else option.default
    return inspect.Parameter(option.name, inspect.Parameter.KEYWORD_ONLY, default=default,
                             annotation=Annotated[kind, info])


def _command(kind: kinds.Kind) -> Callable[..., None]:
    def command(ctx: typer.Context, **params: Any) -> None:
        people = params.pop("people", None)
        json_ = params.pop("json_")
        spec = kind.parse(params)
        workspace = open_workspace(ctx)
        if people is not None:
            assert isinstance(spec, FunnelQuery)
            ids = workspace.people(spec, people, dropped=True)
            if json_:
                print_json({"step": people, "people": ids})
            else:
                print_table(["distinct_id"], [[i] for i in ids],
                            title=f"dropped after step {people}")
            return
        if workspace.index_ready():
            result = workspace.query(spec)
        else:
            with output.err_console.status("Building the event index (once after each import)..."):
                result = workspace.query(spec)
        warn(workspace.notes(spec, result))
        show(result, json_)

    json_param = inspect.Parameter("json_", inspect.Parameter.KEYWORD_ONLY, default=False,
                                   annotation=JsonFlag)
    ctx_param = inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                  annotation=typer.Context)
    parameters = [ctx_param, *(_parameter(o) for o in kind.options),
                  *_EXTRA.get(kind.name, ()), json_param]
    command.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in parameters}
    command.__doc__ = kind.help
    return _declare_json(kind, command)


def _declare_json(kind: kinds.Kind, command: Callable[..., None]) -> Callable[..., None]:
    """The command's JSON is its result's ``JSON_SHAPE`` (or the extra options' own)."""
    fields = result_fields(kind.result)
    if fields is None:
        return command  # undeclared: the docs test names the kind
    if kind.name not in _EXTRA_JSON:
        return json_shape(kind.help, fields)(command)
    when, extra = _EXTRA_JSON[kind.name]
    return json_shape(f"{kind.help} {when}", (fields, extra))(command)


def add_commands(target: typer.Typer) -> None:
    """A command for every kind with options (a face of the registry, so new kinds appear)."""
    for kind in kinds.KINDS.values():
        if kind.options:
            target.command(kind.name)(_command(kind))


def command_group() -> typer.Typer:
    """``needle query`` as it is now: registered kinds included."""
    group = typer.Typer(help=HELP, no_args_is_help=True)
    add_commands(group)
    return group


def spec_from_args(ctx: typer.Context, kind: str, args: list[str]) -> Query:
    """Parse ``args`` as the options of ``needle query KIND`` and build its spec."""
    found = kinds.KINDS.get(kind)
    if found is None or not found.options:
        names = [k.name for k in kinds.KINDS.values() if k.options]
        raise UserError(f"unknown query kind {kind!r}; choose one of {', '.join(names)}")
    command = get_command(command_group()).get_command(ctx, kind)  # type: ignore[attr-defined]
    sub = command.make_context(kind, list(args), parent=ctx)
    params = {k: v for k, v in sub.params.items() if k not in ("json_", "people")}
    return found.parse(params)


def note_line(note: Note) -> str:
    """One line for stderr: ``warning: MESSAGE`` and what to run, if there is something."""
    extra = f"; {HINTS[note.hint]}" if note.hint in HINTS else ""
    return f"warning: {note.message}{extra}"


def warn(notes: list[Note]) -> None:
    for note in notes:
        typer.echo(note_line(note), err=True)


def show(result: Result, as_json: bool) -> None:
    if as_json:
        print_json(result.to_json())
        return
    table = kinds.of_result(result).table
    if table is None:
        print_json(result.to_json())
        return
    rendered = table(result)
    print_table(list(rendered.columns), rendered.rows, title=rendered.title)
