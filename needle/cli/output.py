"""How the CLI shows results: stable JSON with --json, Rich tables otherwise.

Rich is imported when something is first shown with it, so that ``--json`` never loads it:
``console`` and ``err_console`` (stdout and stderr) are made on first use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any

import typer

from needle.jsontext import dumps

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, ProgressColumn
    from rich.text import Text

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON (shapes in docs/json.md).")]


@cache
def _console(stderr: bool) -> Console:
    from rich.console import Console

    return Console(stderr=stderr)


def __getattr__(name: str) -> Any:
    if name in ("console", "err_console"):
        return _console(name == "err_console")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def progress_bar(*columns: ProgressColumn, quiet: bool) -> Progress:
    """A transient progress bar on stderr, off when ``quiet`` or when stderr is not a terminal
    (there it would only leave an empty line, before an error too)."""
    from rich.progress import Progress

    err = _console(True)
    return Progress(*columns, console=err, transient=True, disable=quiet or not err.is_terminal)


def print_json(data: Any) -> None:
    """Print ``data`` as JSON on stdout, unstyled so that pipes get exactly the document (the
    text the web's twins give too: always valid, nothing a terminal would act on)."""
    print(dumps(data))


def visible(text: str, newlines: bool = False) -> str:
    """``text`` safe to print on a terminal: control characters (ESC starts the sequences that
    move the cursor, recolour or retitle the terminal) and the bidi overrides (which make text
    read in another order than it is stored) are shown as escapes (``\\x1b``, ``\\u202e``).
    Tabs and line breaks stay, unless ``newlines`` asks for those as escapes too."""
    text = text.replace("\r\n", "\n")
    return (_UNSAFE_OR_BREAK if newlines else _UNSAFE).sub(_escape, text)


# C0 controls but tab and line feed, DEL, C1 controls, bidi embeddings, overrides and isolates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_OR_BREAK = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def plain(text: Any, style: str = "") -> Text:
    """``text`` as Rich shows it literally: no markup (``[bold]``), no emoji codes, escaped."""
    from rich.text import Text

    return Text(visible(str(text)), style=style)


def echo(text: Any, style: str = "") -> None:
    """Print text that may hold what people typed (titles, evidence, labels)."""
    _console(False).print(plain(text, style), soft_wrap=True)


def print_table(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], title: str | None = None
) -> None:
    """A table of ``rows``; every cell, header and the title are shown literally (see
    :func:`plain`), since event names, evidence and SQL columns are other people's text."""
    from rich.table import Table

    table = Table(title=None if title is None else plain(title))
    for column in columns:
        table.add_column(plain(column))
    for row in rows:
        table.add_row(*(plain("" if cell is None else cell) for cell in row))
    _console(False).print(table)
