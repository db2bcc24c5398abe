"""A file's rows as read, before any mapping: how to read it, and what came out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from needle.io.files import BadRow

if TYPE_CHECKING:  # only named in annotations: the options load without Arrow
    import pyarrow as pa

FORMATS = ("csv", "json", "parquet", "xlsx")

Locator = Callable[[int], tuple[str, str]]


@dataclass(frozen=True)
class ReadOptions:
    """How to read a file; the defaults follow its name, its content and its header.

    ``sheet`` picks a workbook's sheet by name or 1-based number (default: the first).
    """

    format: str | None = None
    delimiter: str | None = None
    header: bool = True
    columns: tuple[str, ...] = ()
    skip_bad: bool = False
    sheet: str | None = None


@dataclass
class RawTable:
    """A file's rows as Arrow columns, before any mapping.

    ``json_values`` says the columns hold JSON text (from a JSON file) rather than plain text
    or typed values. ``locate(i)`` tells where row ``i`` of ``table`` sits in the file and its text.
    ``unsplit`` is set when the delimiter was guessed and no candidate split the header: a
    missing column then most likely means an unusual delimiter, which the error should say.
    """

    file: str
    table: pa.Table
    locate: Locator
    json_values: bool = False
    rejected: list[BadRow] = field(default_factory=list)
    header: str = "columns"
    unsplit: tuple[str, ...] = ()

    def bad(self, row: int, reason: str) -> BadRow:
        location, text = self.locate(row)
        return BadRow(self.file, location, reason, text)
