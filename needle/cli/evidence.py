"""``needle evidence``: customer evidence in (tickets, interviews, surveys), found again."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, cast

import typer

from needle.analytics.parse import parse_date
from needle.cli.context import open_workspace
from needle.cli.events import (
    IMPORTED,
    DelimiterOpt,
    FormatOpt,
    RejectsOpt,
    SheetOpt,
    SkipBadOpt,
    check_format,
    report,
    steps,
)
from needle.cli.output import JsonFlag, echo, print_json, print_table
from needle.cli.shapes import Fields, json_shape
from needle.evidence.importer import import_evidence
from needle.evidence.models import KINDS
from needle.evidence.queries import EvidenceFilter, evidence_json, get_evidence
from needle.evidence.tabular import EvidenceMapping
from needle.io.files import rejects_path
from needle.io.tables import ReadOptions

app = typer.Typer(help="Customer evidence: import it, list it, search it.", no_args_is_help=True)

_KINDS = ", ".join(KINDS)
EVIDENCE: dict[str, Fields] = {  # evidence_json
    "id": "int", "kind": f"str: {_KINDS}", "text": "str", "customer": "str|null",
    "created_at": "datetime|null", "source": "str: the file it came from",
    "source_id": "str|null: its id in that file", "meta": "object: the other columns",
    "imported_at": "datetime"}


@app.command("import")
@json_shape("What the import did.", {
    **cast(dict[str, Fields], IMPORTED),
    "same_text": "int: rows whose text another row read also has (each kept as its own piece)"})
def import_(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(
        help="CSV, JSON Lines or Excel .xlsx files (.gz too), Markdown notes or folders "
             "of them.")],
    kind: Annotated[str | None, typer.Option(
        "--kind", help=f"{_KINDS} (default: interview for notes, ticket for rows).")] = None,
    text_col: Annotated[list[str] | None, typer.Option(
        "--text-col", help="Column of text; repeat it to join several columns into one text "
        "(title, then body).")] = None,
    customer_col: Annotated[str | None, typer.Option(
        "--customer-col", help="Column naming the customer.")] = None,
    time_col: Annotated[str | None, typer.Option("--time-col", help="Column of times.")] = None,
    id_col: Annotated[str | None, typer.Option(
        "--id-col", help="Column of the source's own ids.")] = None,
    fmt: FormatOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
    skip_bad: SkipBadOpt = False,
    rejects: RejectsOpt = None,
    json_: JsonFlag = False,
) -> None:
    """Import evidence, one piece per row (equal texts in different rows all count); importing
    the same row again adds nothing, and rows with no text are skipped."""
    check_format(fmt)
    workspace = open_workspace(ctx)
    texts = text_col or []
    mapping = EvidenceMapping(texts[0] if texts else None, customer_col, time_col, id_col,
                              tuple(texts[1:]))
    options = ReadOptions(fmt, delimiter, skip_bad=skip_bad, sheet=sheet)
    with steps(len(files), quiet=json_) as step:
        result = import_evidence(
            workspace.store, files, kind, mapping, options, workspace.settings["timezone"],
            rejects or rejects_path(workspace.state_dir, "evidence"), step)
    report(result, json_, "pieces of evidence", "store")
    if result.same_text and not json_:
        echo(f"{result.same_text:,} of the rows read repeat another row's text; each is kept as "
             "its own piece, so counts say how many people said it.")


def _rows(items: list[dict[str, Any]]) -> list[list[object]]:
    return [[e["id"], e["kind"], e["customer"], (e["created_at"] or "")[:10] or None,
             _short(e["text"])] for e in items]


def _short(text: str, width: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


KindOpt = Annotated[str | None, typer.Option("--kind", help=f"Only this kind: {_KINDS}.")]
CustomerOpt = Annotated[str | None, typer.Option("--customer", help="Only this customer.")]
FromOpt = Annotated[str | None, typer.Option(
    "--from", help="Only evidence dated on or after this day (YYYY-MM-DD, UTC).")]
ToOpt = Annotated[str | None, typer.Option(
    "--to", help="Only evidence dated on or before this day (YYYY-MM-DD, UTC).")]


def _filter(kind: str | None, customer: str | None, start: str | None,
            end: str | None) -> EvidenceFilter:
    return EvidenceFilter(kind, customer, parse_date(start, "start"), parse_date(end, "end"))


@app.command("list")
@json_shape("Stored evidence, oldest first.", [EVIDENCE])
def list_(
    ctx: typer.Context,
    kind: KindOpt = None,
    customer: CustomerOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many; 0 for all.")] = 50,
    json_: JsonFlag = False,
) -> None:
    """Stored evidence, oldest first."""
    items = open_workspace(ctx).evidence(_filter(kind, customer, start, end), limit or None)
    if json_:
        print_json(items)
        return
    print_table(["id", "kind", "customer", "date", "text"], _rows(items))


@app.command()
@json_shape("One piece of evidence.", EVIDENCE)
def show(
    ctx: typer.Context,
    evidence_id: Annotated[int, typer.Argument(metavar="ID", help="Evidence id.")],
    json_: JsonFlag = False,
) -> None:
    """One piece of evidence with its source and metadata."""
    with open_workspace(ctx).store.session() as session:
        data = evidence_json(get_evidence(session, evidence_id))
    if json_:
        print_json(data)
        return
    text = data.pop("text")
    print_table(["field", "value"], list(data.items()))
    echo(text)


@app.command()
@json_shape("The best matches first.", [EVIDENCE | {
    "score": "float: higher is better (BM25 on SQLite, ts_rank on PostgreSQL)"}])
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Words to look for.")],
    kind: KindOpt = None,
    customer: CustomerOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many.")] = 20,
    json_: JsonFlag = False,
) -> None:
    """Evidence matching the words, best match first (full-text search)."""
    hits = open_workspace(ctx).search_evidence(query, _filter(kind, customer, start, end), limit)
    if json_:
        print_json(hits)
        return
    print_table(["id", "kind", "customer", "date", "text", "score"],
                [[*_rows([h])[0], f"{h['score']:.2f}"] for h in hits])
