"""``needle events``: bring product events into the lake and look at them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from needle.cli.context import open_workspace
from needle.cli.output import JsonFlag, print_json, print_table
from needle.cli.shapes import Fields, json_shape
from needle.io.raw import FORMATS, ReadOptions

if TYPE_CHECKING:  # the import's own modules and Rich's progress load when it runs
    from rich.progress import Progress

    from needle.io.files import ImportResult

app = typer.Typer(help="Product events: import them, look at them.", no_args_is_help=True)

# File-reading options shared by `events import` and `evidence import`.
FormatOpt = Annotated[str | None, typer.Option(
    "--format", help=f"One of {', '.join(FORMATS)}; default: from the file name or content.")]
DelimiterOpt = Annotated[str | None, typer.Option(
    "--delimiter", help="A character, tab, or whitespace (runs of blanks); "
                        "default: guessed from , ; tab |.")]
SheetOpt = Annotated[str | None, typer.Option(
    "--sheet", help="The sheet of an .xlsx workbook to read, by name or number (default: first).")]
SkipBadOpt = Annotated[bool, typer.Option(
    "--skip-bad", help="Import the good rows; write the bad ones to a rejects file.")]
RejectsOpt = Annotated[Path | None, typer.Option(
    "--rejects", help="Where --skip-bad writes bad rows (default: .needle/rejects/).")]

IMPORTED: Fields = {  # ImportResult.to_json, for events and evidence alike
    "files": "int: files named", "read": "int: good rows read", "added": "int: new to the store",
    "duplicates": "int: read - added, already there", "rejected": "int: bad rows skipped",
    "empty": "int: rows with no text, skipped (evidence)",
    "conflicts": "int: rows left out, their event id used earlier in the file by other "
                 "content (events)",
    "rejects_file": "str|null: where the skipped rows were written"}


class Steps:
    """A progress bar on stderr: called with a description it advances; ``wait`` shows how
    long the import has waited for another writer (one line when the bar is off)."""

    def __init__(self, bar: Progress, total: int) -> None:
        self._bar, self._total = bar, total
        self._task = bar.add_task("starting", total=total)
        self._done = iter(range(total + 1))
        self._told = False

    def __call__(self, description: str) -> None:
        self._bar.update(self._task, description=description,
                         completed=next(self._done, self._total))

    def wait(self, seconds: float) -> None:
        if self._bar.disable:
            if not self._told:
                typer.echo("waiting for another Needle process to finish writing events",
                           err=True)
            self._told = True
            return
        self._bar.update(self._task, description=f"waiting for another import ({seconds:.0f} s)")


@contextmanager
def steps(total: int, quiet: bool = False) -> Iterator[Steps]:
    """A progress bar on stderr advanced by calling the yielded object with a description."""
    from rich.progress import BarColumn, TextColumn, TimeElapsedColumn

    from needle.cli.output import progress_bar

    columns = (TextColumn("{task.description:<32}"), BarColumn(), TimeElapsedColumn())
    with progress_bar(*columns, quiet=quiet) as bar:
        yield Steps(bar, total)


def _names(value: str | None) -> tuple[str, ...] | None:
    return None if value is None else tuple(n.strip() for n in value.split(",") if n.strip())


@app.command("import")
@json_shape("What the import did.", IMPORTED)
def import_(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(
        help="CSV, JSON Lines, JSON, Parquet, Excel .xlsx; .gz too.")],
    user_col: Annotated[str | None, typer.Option("--user-col", help="Column of user ids.")] = None,
    event_col: Annotated[str | None, typer.Option(
        "--event-col", help="Column of event names.")] = None,
    time_col: Annotated[str | None, typer.Option("--time-col", help="Column of times.")] = None,
    uuid_col: Annotated[str | None, typer.Option("--uuid-col", help="Column of event ids.")] = None,
    props_cols: Annotated[str | None, typer.Option(
        "--props-cols", metavar="A,B", help="Only these columns become properties.")] = None,
    event: Annotated[str | None, typer.Option(
        "--event", metavar="NAME", help="One event name for every row (no event column).")] = None,
    fmt: FormatOpt = None,
    delimiter: DelimiterOpt = None,
    no_header: Annotated[bool, typer.Option(
        "--no-header", help="The first line is data, not column names.")] = False,
    columns: Annotated[str | None, typer.Option(
        "--columns", metavar="A,B,C", help="Column names, in file order.")] = None,
    sheet: SheetOpt = None,
    skip_bad: SkipBadOpt = False,
    rejects: RejectsOpt = None,
    json_: JsonFlag = False,
) -> None:
    """Import event files into the lake; importing a file again adds nothing."""
    from needle.events.importer import STEPS_PER_FILE, import_events
    from needle.events.mapping import EventMapping
    from needle.io.files import rejects_path

    check_format(fmt)
    workspace = open_workspace(ctx)
    mapping = EventMapping(user_col, event_col, time_col, uuid_col, _names(props_cols), event)
    options = ReadOptions(fmt, delimiter, not no_header, _names(columns) or (), skip_bad, sheet)
    with steps(len(files) * STEPS_PER_FILE + 1, quiet=json_) as step:
        result = import_events(
            workspace.lake, files, mapping, options, workspace.settings["timezone"],
            rejects or rejects_path(workspace.state_dir, "events"), step, waiting=step.wait)
    report(result, json_, "events", "lake")


def check_format(fmt: str | None) -> None:
    if fmt is not None and fmt not in FORMATS:
        raise typer.BadParameter(f"use one of {', '.join(FORMATS)}", param_hint="--format")


def report(result: ImportResult, json_: bool, what: str, where: str) -> None:
    """Print an import's summary (or its JSON), and where the skipped rows went."""
    if json_:
        print_json(result.to_json())
        return
    typer.echo(f"Imported {result.added:,} new {what} from {result.files} source(s); "
               f"{result.duplicates:,} were already in the {where}.")
    if result.empty:
        typer.echo(f"Skipped {result.empty:,} rows with no text.", err=True)
    if result.rejected and result.rejects_file:
        typer.echo(f"Skipped {result.rejected:,} bad rows; they are listed in "
                   f"{result.rejects_file}", err=True)
    if result.conflicts:
        typer.echo(f"Left out {result.conflicts:,} rows whose event id an earlier row of the "
                   f"file holds with other content (the first was kept); they are listed in "
                   f"{result.rejects_file}", err=True)


@app.command()
@json_shape("The lake at a glance.", {
    "events": "int", "users": "int", "first": "datetime|null", "last": "datetime|null",
    "event_names": {"<event>": "int: events of that name, most frequent first"}})
def stats(ctx: typer.Context, json_: JsonFlag = False) -> None:
    """Events, users, time span and counts per event name."""
    result = open_workspace(ctx).event_stats()
    if json_:
        print_json(result.to_json())
        return
    print_table(
        ["events", "users", "first", "last"],
        [[f"{result.events:,}", f"{result.users:,}", result.first, result.last]],
    )
    print_table(["event", "count"], [[k, f"{v:,}"] for k, v in result.event_names.items()])
