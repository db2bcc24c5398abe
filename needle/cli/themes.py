"""``needle themes``: synthesise evidence into themes; show, merge, split, rename, update."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from needle.cli import output
from needle.cli.context import open_workspace
from needle.cli.output import JsonFlag, echo, plain, print_json, print_table
from needle.cli.shapes import Fields, json_shape

if TYPE_CHECKING:
    from rich.progress import TaskID

    from needle.themes.view import ThemeList, ThemeSummary

app = typer.Typer(help="Themes: evidence synthesised into themes people can read.")

ThemeId = Annotated[int, typer.Argument(help="Theme id, as `needle themes` lists it.")]

THEME: dict[str, Fields] = {  # ThemeSummary.to_json; docs/themes.md says what fields mean
    "id": "int: stable theme id", "label": "str", "keywords": ["str"],
    "size": "int: pieces in the theme", "share": "float: size / all evidence",
    "customers": "int: distinct customers", "first_seen": "datetime|null",
    "last_seen": "datetime|null",
    "trend": {"direction": "str: rising, steady, falling or unknown",
              "weeks": [{"week_start": "date", "count": "int"}]},
    "quotes": [{"evidence_id": "int", "text": "str", "customer": "str|null"}],
    "evidence_ids": ["int"], "origin": "str: auto, merge or split", "renamed": "bool"}


@contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[str, int, int], None]]:
    """Progress bars on stderr while themes build (Rich loads only then: listing stored themes
    as JSON does not need it)."""
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description:<12}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with output.progress_bar(*columns, quiet=quiet) as bar:
        tasks: dict[str, TaskID] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield report


TOPIC: dict[str, Fields] = {  # Topic.to_json
    "id": "int: topic id (new ones at each build)", "label": "str", "keywords": ["str"],
    "size": "int: pieces in its themes", "share": "float: size / all evidence",
    "theme_ids": ["int: its themes, largest first"]}
LISTING: dict[str, Fields] = {
    "topics": [TOPIC], "themes": [THEME], "unthemed": ["int: ids of evidence in no theme"],
    "evidence": "int: all evidence"}


@app.callback(invoke_without_command=True)
@json_shape("The stored topics and themes, largest first.", LISTING)
def listing(ctx: typer.Context, json_: JsonFlag = False) -> None:
    """The stored themes in their topics (built once if never built; `themes build` rebuilds)."""
    if ctx.invoked_subcommand is not None:
        return
    workspace = open_workspace(ctx)
    if not workspace.themes_built():
        with _progress(json_) as report:
            workspace.build_themes(progress=report)
    _print_list(workspace.themes(), json_)


@app.command("build")
@json_shape("The themes as built, largest first.", LISTING)
def build(ctx: typer.Context, json_: JsonFlag = False) -> None:
    """Build (or rebuild) the themes from all evidence, with progress; people's edits are
    kept."""
    workspace = open_workspace(ctx)
    with _progress(json_) as report:
        workspace.build_themes(progress=report)
    _print_list(workspace.themes(), json_)


@app.command()
@json_shape("One theme and the edits people made to it.", THEME | {"edits": [{
    "kind": "str: rename, merge or split", "detail": "object", "author": "str",
    "at": "datetime"}]})
def show(ctx: typer.Context, theme_id: ThemeId, json_: JsonFlag = False) -> None:
    """One theme: label, keywords, quotes, size, customers, trend, evidence ids, edits."""
    theme = open_workspace(ctx).theme(theme_id)
    if json_:
        print_json(theme.detail_json())
        return
    _print_detail(theme)


@app.command()
@json_shape("What the update did.", {
    "new": "int: pieces assigned now", "themed": "int", "unthemed": "int",
    "rebuilt": "bool: there were no themes, so they were built"})
def update(ctx: typer.Context, json_: JsonFlag = False) -> None:
    """Assign evidence added since the last build to the existing themes."""
    workspace = open_workspace(ctx)
    with _progress(json_) as report:
        result = workspace.update_themes(progress=lambda d, t: report("embedding", d, t))
    if json_:
        print_json({"new": result.new, "themed": result.themed, "unthemed": result.unthemed,
                    "rebuilt": result.rebuilt})
    else:
        typer.echo(f"{result.new} new pieces: {result.themed} themed, {result.unthemed} unthemed"
                   + (" (no themes yet: built them)" if result.rebuilt else ""))


@app.command()
def merge(ctx: typer.Context, keep: ThemeId, other: ThemeId) -> None:
    """Merge theme OTHER into theme KEEP."""
    open_workspace(ctx).merge_themes(keep, other)
    typer.echo(f"merged theme {other} into {keep}")


@app.command()
def split(
    ctx: typer.Context, theme_id: ThemeId,
    parts: Annotated[int, typer.Option("--parts", min=2, help="How many themes to make.")] = 2,
) -> None:
    """Split a theme in PARTS by the similarity of its pieces."""
    children = open_workspace(ctx).split_theme(theme_id, parts)
    typer.echo(f"split theme {theme_id} into {', '.join(map(str, children))}")


@app.command()
def rename(
    ctx: typer.Context, theme_id: ThemeId,
    label: Annotated[str, typer.Argument(help="The new name.")],
) -> None:
    """Name a theme; refreshes keep the name."""
    open_workspace(ctx).rename_theme(theme_id, label)
    typer.echo(f"theme {theme_id} is now {label!r}")


@app.command()
@json_shape("Each theme's reporters against the baseline.", [{
    "theme_id": "int", "label": "str", "metric": "str: retention_<days>d",
    "reporters": "int", "reporters_rate": "float|null", "others": "int",
    "others_rate": "float|null", "difference": "float|null: reporters_rate - others_rate",
    "low": "float|null", "high": "float|null",
    "against": "str: the baseline, reporters (of other themes) or users (everyone else)"}])
def behaviour(
    ctx: typer.Context,
    days: Annotated[int, typer.Option("--days", min=1, help="Retention horizon in days.")] = 30,
    against: Annotated[str, typer.Option(
        "--against", help="Baseline: reporters of other themes only (default: people who write "
        "in are more engaged than most), or all other users.",
    )] = "reporters",
    json_: JsonFlag = False,
) -> None:
    """How each theme's reporters differ from other reporters (or all users) on N-day
    retention, with a 95% interval."""
    rows = open_workspace(ctx).theme_behaviour(days, against)
    if json_:
        print_json([row.to_json() for row in rows])
        return
    print_table(
        ["id", "theme", "reporters", "retained", "others", "retained", "difference",
         "95% interval"],
        [[r.theme_id, r.label, r.reporters, _pct(r.reporters_rate), r.others, _pct(r.others_rate),
          _pct(r.difference), "" if r.low is None else f"{_pct(r.low)} to {_pct(r.high)}"]
         for r in rows], title=f"{days}-day retention of each theme's reporters vs "
               + ("reporters of other themes" if against == "reporters" else "all other users"))


@app.command()
@json_shape("Groups of related themes, largest first.", {"groups": [{
    "id": "int: position", "label": "str: the largest theme's", "size": "int",
    "share": "float: size / all evidence", "theme_ids": ["int"],
    "themes": [{"id": "int", "label": "str", "size": "int"}]}]})
def groups(ctx: typer.Context, json_: JsonFlag = False) -> None:
    """Related themes in a few groups (topics), largest first."""
    found = open_workspace(ctx).theme_groups()
    if json_:
        print_json({"groups": [g.to_json() for g in found]})
        return
    print_table(
        ["group", "label", "size", "share", "themes"],
        [[g.id, g.label, g.size, f"{100 * g.share:.1f}%", _names(g.themes)] for g in found],
        title=f"{len(found)} groups of {sum(len(g.themes) for g in found)} themes")


def _names(members: list[ThemeSummary], shown: int = 3) -> str:
    """The first themes' ids and labels, then how many more."""
    names = "; ".join(f"{t.id} {t.label}" for t in members[:shown])
    return names + (f"; and {len(members) - shown} more" if len(members) > shown else "")


def _pct(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f}%"


def _print_list(found: ThemeList, json_: bool) -> None:
    if json_:
        print_json(found.to_json())
        return
    rows = [[f"{topic.label} ({topic.size})", t.id, t.label, t.size, f"{100 * t.share:.1f}%",
             t.customers, t.trend.direction, ", ".join(t.keywords[:4])]
            for topic in found.topics for t in topic.themes]
    on_topic = {t.id for topic in found.topics for t in topic.themes}
    rows += [["", t.id, t.label, t.size, f"{100 * t.share:.1f}%", t.customers,
              t.trend.direction, ", ".join(t.keywords[:4])]
             for t in found.themes if t.id not in on_topic]
    print_table(
        ["topic", "id", "theme", "size", "share", "customers", "trend", "keywords"], rows,
        title=f"{len(found.topics)} topics, {len(found.themes)} themes from {found.evidence} "
              f"pieces; {len(found.unthemed)} unthemed")
    waiting = found.evidence - len(found.unthemed) - sum(t.size for t in found.themes)
    if waiting:
        echo(f"{waiting} pieces arrived after the last build: `needle themes update` assigns "
             "them.")


def _print_detail(theme: ThemeSummary) -> None:
    output.console.print(plain(f"{theme.id}. {theme.label}", "bold") + plain(f"  ({theme.origin})"))
    output.console.print(f"{theme.size} pieces, {100 * theme.share:.1f}% of evidence, "
                         f"{theme.customers} customers; first {theme.first_seen}, "
                         f"last {theme.last_seen}")
    echo("keywords: " + ", ".join(theme.keywords))
    counts = " ".join(str(c) for c in theme.trend.counts)
    output.console.print(f"trend: {theme.trend.direction} (weekly: {counts})")
    for quote in theme.quotes:
        echo(f"  “{quote.text}” (#{quote.evidence_id})")
    for edit in theme.edits:
        echo(f"edit: {edit['kind']} {edit['detail']} by {edit['author']} at {edit['at']}")
