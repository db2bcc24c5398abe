"""Opening the files users import: plain or gzip, UTF-8 checked, and the report of bad rows.

Shared by event and evidence imports. A file is read into memory whole: imports validate every
row before anything is stored, and the vectorised readers want one buffer anyway.
"""

from __future__ import annotations

import contextlib
import csv
import os
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from needle.errors import InputError, UserError

GZIP_MAGIC = b"\x1f\x8b"
# Compressions that are not read, told by their magic numbers, so as not to be read as text.
_OTHER_COMPRESSIONS = {b"\xfd7zXZ\x00": "xz", b"\x28\xb5\x2f\xfd": "zstd",
                       b"7z\xbc\xaf\x27\x1c": "7-Zip"}
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class BadRow:
    """A row an import refused: where it is, why, and its text as the file has it."""

    file: str
    location: str
    reason: str
    text: str = ""

    def error(self) -> InputError:
        """The error for this row when bad rows are not skipped; skipping is the way out."""
        return InputError(self.file, self.location, self.reason, field="skip_bad")


@dataclass(frozen=True)
class ImportResult:
    """What an import did: rows read, stored anew, already there, and refused.

    ``empty`` counts rows with no text (evidence: skipped, not an error); ``conflicts`` counts
    rows whose id an earlier row of the same file holds with other content (events: the first
    is kept, the others are listed in the rejects file).
    """

    files: int
    read: int
    added: int
    rejected: int
    rejects_file: Path | None
    empty: int = 0
    conflicts: int = 0

    @property
    def duplicates(self) -> int:
        return self.read - self.added

    def to_json(self) -> dict[str, object]:
        return {"files": self.files, "read": self.read, "added": self.added,
                "duplicates": self.duplicates, "rejected": self.rejected,
                "empty": self.empty, "conflicts": self.conflicts,
                "rejects_file": str(self.rejects_file) if self.rejects_file else None}


def read_bytes(path: Path) -> bytes:
    """The file's bytes, decompressed when it is gzip (told by its magic number, not its name)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), "file", f"cannot read it: {exc.strerror}") from None
    if data.startswith(GZIP_MAGIC):
        return _gunzip(path, data)
    kind = _compression(data)
    if kind is not None:
        raise InputError(str(path), "file", f"it is {kind}-compressed, which is not read; "
                         "decompress it, or compress it with gzip")
    return data


def _compression(data: bytes) -> str | None:
    """The compression, other than gzip, that ``data`` is in, if its magic number says one."""
    if data[:3] == b"BZh" and data[4:10] == b"1AY&SY":  # the fourth byte is the block size
        return "bzip2"
    return next((name for magic, name in _OTHER_COMPRESSIONS.items() if data.startswith(magic)),
                None)


def _gunzip(path: Path, data: bytes) -> bytes:
    # zlib rather than gzip.decompress: on a truncated file it still hands back what it could
    # decompress, which tells the user how far the file is intact.
    parts: list[bytes] = []
    rest = data
    while rest:
        stream = zlib.decompressobj(wbits=31)
        try:
            parts.append(stream.decompress(rest))
        except zlib.error as exc:
            raise _broken_gzip(path, parts, f"corrupt gzip data ({exc})") from None
        if not stream.eof:
            raise _broken_gzip(path, parts, "gzip stream ends early: the file is truncated")
        rest = stream.unused_data.lstrip(b"\x00")
    return b"".join(parts)


def _broken_gzip(path: Path, parts: list[bytes], reason: str) -> InputError:
    line = sum(part.count(b"\n") for part in parts) + 1
    return InputError(str(path), f"line {line}", reason)


def check_utf8(path: Path, data: bytes, skip_bad: bool) -> tuple[bytes, list[BadRow]]:
    """``data`` without a byte-order mark, checked to be UTF-8.

    Non-UTF-8 bytes fail the import, naming the line; with ``skip_bad`` the lines holding them
    are dropped and reported instead.
    """
    data = data.removeprefix(BOM)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if not skip_bad:
            raise _encoding_error(path, data, exc.start) from None
        return _drop_undecodable_lines(path, data)
    return data, []


def _encoding_error(path: Path, data: bytes, offset: int) -> InputError:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return InputError(
        str(path), f"line {line}",
        f"byte 0x{data[offset]:02x} at column {column} is not UTF-8; save the file as UTF-8",
        field="skip_bad",
    )


def _drop_undecodable_lines(path: Path, data: bytes) -> tuple[bytes, list[BadRow]]:
    kept: list[bytes] = []
    bad: list[BadRow] = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            reason = _encoding_error(path, line, exc.start).reason
            bad.append(BadRow(str(path), f"line {number}", reason,
                              line.decode("utf-8", "replace")))
            kept.append(b"")  # keep the line count, so later locations stay true
        else:
            kept.append(line)
    return b"\n".join(kept), bad


def write_rejects(path: Path, rows: list[BadRow]) -> Path:
    """Write the refused rows, with reasons, as CSV; return the path.

    The file appears whole or not at all: it is written beside and renamed into place, and a
    full or read-only disk leaves nothing behind.
    """
    if not path.name or path.is_dir():  # '.' has no name to write beside
        raise UserError(f"{path}: cannot write the rejected rows: it is a folder; nothing was "
                        "imported", field="rejects")
    tmp = path.with_name(f".{path.name}.tmp")
    made = not path.parent.exists()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["file", "location", "reason", "text"])
            writer.writerows([row.file, row.location, row.reason, row.text] for row in rows)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
            if made:
                path.parent.rmdir()
        raise UserError(f"{path}: cannot write the rejected rows: {disk_reason(exc)}; nothing "
                        "was imported") from None
    return path


def disk_reason(exc: OSError) -> str:
    """What went wrong writing, in a few words (``No space left on device``)."""
    if exc.strerror:
        return exc.strerror
    if exc.errno:
        return os.strerror(exc.errno)
    return one_line(str(exc)) or type(exc).__name__


def one_line(text: str, limit: int = 300) -> str:
    """``text`` (a third party's message, say) on one line, cut to ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def discard(path: Path | None) -> None:
    """Remove a file this import wrote, and its folder if that is left empty, when the import
    as a whole failed."""
    if path is not None:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
            path.parent.rmdir()  # only when empty


def rejects_path(folder: Path, what: str) -> Path:
    """A fresh file name for the rows refused by one import."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return folder / "rejects" / f"{what}-{stamp}.csv"
