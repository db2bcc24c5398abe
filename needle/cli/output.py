"""How the CLI shows results: stable JSON with --json, Rich tables otherwise."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON (shapes in docs/json.md).")]

console = Console()
err_console = Console(stderr=True)


def json_default(value: Any) -> Any:
    """What ``--json`` makes of values JSON has no type for."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "to_json"):
        return value.to_json()
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def print_json(data: Any) -> None:
    """Print ``data`` as JSON on stdout, unstyled so that pipes get exactly the document."""
    print(json.dumps(data, default=json_default, indent=2, ensure_ascii=False))


def print_table(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], title: str | None = None
) -> None:
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if cell is None else str(cell) for cell in row))
    console.print(table)
