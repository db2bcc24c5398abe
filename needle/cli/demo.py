"""``needle demo``: build the demo product's workspace and take a first look at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from needle.cli import output
from needle.cli.output import JsonFlag, print_json, print_table
from needle.cli.shapes import json_shape
from needle.demo import DemoExists, build
from needle.demo.look import FirstLook, first_look
from needle.demo.truth import DEFAULT_DAYS, DEFAULT_SEED, DEFAULT_USERS, PRODUCT
from needle.workspace import Workspace

STAGES = {"generate": "Generating users, sessions and evidence", "events": "Writing events",
          "evidence": "Writing evidence",
          "loop": "Analysing the experiment; a dashboard, a goal, a problem",
          "embedding": "Embedding the evidence", "clustering": "Finding themes"}


@json_shape("A first look at the demo workspace.", {
    "workspace": "str: absolute path", "built": "bool: false when it was there already",
    "events": "int", "users": "int", "first": "datetime|null", "last": "datetime|null",
    "top_events": [{"event": "str", "count": "int"}], "evidence": {"<kind>": "int: pieces"}})
def demo(
    directory: Annotated[Path, typer.Argument(help="Folder for the demo workspace.")] = Path(
        "demo-workspace"),
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same data.")] = (
        DEFAULT_SEED),
    users: Annotated[int, typer.Option(help="Users who sign up over the period.")] = DEFAULT_USERS,
    days: Annotated[int, typer.Option(help="Days of data.")] = DEFAULT_DAYS,
    force: Annotated[bool, typer.Option("--force", help="Rebuild an existing demo.")] = False,
    json_: JsonFlag = False,
) -> None:
    """Build a demo workspace (a fictional team task tracker) and print a first look at it."""
    try:
        with _progress_bar() as report:
            workspace = build(directory, seed=seed, users=users, days=days, progress=report,
                              force=force)
        built = True
    except DemoExists as exists:
        info = exists.info
        typer.echo(f"{directory} already holds the {PRODUCT} demo (seed {info.seed}, "
                   f"{info.users:,} users, {info.days} days); use --force to rebuild it.",
                   err=True)
        workspace, built = Workspace.open(directory), False
    look = first_look(workspace)
    workspace.close()
    if json_:
        print_json({"workspace": str(workspace.root), "built": built, **look.to_json()})
    else:
        _print_look(look)


@contextmanager
def _progress_bar() -> Iterator[Callable[[str, int, int], None]]:
    """A Rich progress bar on stderr fed by the builder's ``progress(stage, done, total)``.

    It starts on the first report, so a run that builds nothing prints nothing.
    """
    tasks: dict[str, TaskID] = {}
    bar = Progress(TextColumn("{task.description}"), BarColumn(),
                   TextColumn("{task.completed:,.0f}/{task.total:,.0f}"), TimeElapsedColumn(),
                   console=output.err_console, transient=True)

    def report(stage: str, done: int, total: int) -> None:
        if not tasks:
            bar.start()
        if stage not in tasks:
            tasks[stage] = bar.add_task(STAGES.get(stage, stage), total=total)
        bar.update(tasks[stage], completed=done, total=total)

    try:
        yield report
    finally:
        if tasks:
            bar.stop()


def _print_look(look: FirstLook) -> None:
    lake = look.lake
    span = [f"{t:%Y-%m-%d %H:%M} UTC" if t else "" for t in (lake.first, lake.last)]
    print_table(["events", "users", "first", "last"],
                [[f"{lake.events:,}", f"{lake.users:,}", *span]], title=f"{PRODUCT} demo")
    print_table(["event", "count"], [[e, f"{n:,}"] for e, n in look.top_events],
                title="Top events")
    print_table(["kind", "count"], [[k, f"{n:,}"] for k, n in look.evidence.items()],
                title="Evidence")
