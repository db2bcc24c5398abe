"""Evidence from Markdown notes (interview notes and the like): one note per file.

A note may start with YAML front matter between ``---`` lines. ``customer``, ``date`` (or
``created_at``), ``id`` and ``kind`` fill the evidence's fields; any other key is kept in its
metadata. The body, without the front matter, is the text.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from needle.errors import InputError
from needle.evidence.models import KINDS
from needle.evidence.store import EvidenceRecord
from needle.io.files import BadRow, check_utf8, read_bytes
from needle.io.normalise import read_time
from needle.io.times import EARLIEST, LATEST, RANGE

SUFFIXES = (".md", ".markdown")
# Front matter is a few keys: more than this is not a note's metadata.
FRONT_MATTER_BYTES = 64 * 1024
FRONT_MATTER_DEPTH = 20
_FIELDS = {"customer": ("customer", "customer_id", "interviewee", "participant"),
           "created_at": ("date", "created_at", "time", "timestamp"),
           "source_id": ("id",),
           "kind": ("kind",)}


def note_files(folder: Path) -> list[Path]:
    """The Markdown files under ``folder``, in path order."""
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())


def read_note(path: Path, kind: str, timezone: str, root: Path) -> EvidenceRecord:
    """One note as evidence; a bad note raises :class:`InputError`."""
    data, _ = check_utf8(path, read_bytes(path), skip_bad=False)
    front, body, body_line = split_front_matter(path, data.decode("utf-8"))
    if not body.strip():
        raise InputError(str(path), f"line {body_line}", "the note has no text after its "
                         "front matter")
    fields = {name: _pop(front, keys) for name, keys in _FIELDS.items()}
    for name, key in (("customer", "customer"), ("source_id", "id"), ("kind", "kind")):
        if isinstance(fields[name], (list, dict)):
            raise InputError(str(path), "front matter", f"{key} is a "
                             f"{type(fields[name]).__name__}; give one value")
    kind = str(fields["kind"] or kind)
    if kind not in KINDS:
        raise InputError(str(path), "front matter", f"unknown kind {kind!r}; use one of "
                         f"{', '.join(KINDS)}")
    when = fields["created_at"]
    return EvidenceRecord(
        kind=kind, text=body.strip(), source=str(path),
        customer=None if fields["customer"] is None else str(fields["customer"]),
        created_at=None if when is None else _moment(path, when, timezone),
        source_id=str(fields["source_id"] or path.relative_to(root).as_posix()),
        meta={key: _plain(value) for key, value in front.items()},
    )


def read_notes(paths: list[Path], kind: str, timezone: str,
               root: Path, skip_bad: bool) -> tuple[list[EvidenceRecord], list[BadRow]]:
    """Every note of ``paths``; with ``skip_bad`` bad notes are reported, not raised."""
    records, bad = [], []
    for path in paths:
        try:
            records.append(read_note(path, kind, timezone, root))
        except InputError as exc:
            if not skip_bad:
                raise
            bad.append(BadRow(exc.file, exc.location, exc.reason))
    return records, bad


class _Refused(yaml.MarkedYAMLError):
    """YAML that is valid but that front matter does not take."""


class FrontMatterLoader(yaml.SafeLoader):
    """YAML's safe loader without aliases and with a nesting limit.

    Notes come from other people. An alias repeats a value, so a few hundred bytes of aliases
    of aliases grow to gigabytes (a "billion laughs"), and an alias inside its own anchor makes
    a value that contains itself; front matter is a few keys and never needs one."""

    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(problem=f"front matter uses the YAML alias *{event.anchor}; write "
                           "the value out instead", problem_mark=event.start_mark)
        if self.depth >= FRONT_MATTER_DEPTH:
            raise _Refused(problem=f"front matter is nested more than {FRONT_MATTER_DEPTH} "
                           "levels deep", problem_mark=self.peek_event().start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def split_front_matter(path: Path, text: str) -> tuple[dict[str, Any], str, int]:
    """(front matter, body, line the body starts on)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return {}, text, 1
    end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() in ("---", "...")),
               None)
    if end is None:
        raise InputError(str(path), "line 1", "front matter has no closing --- line")
    head = "".join(lines[1:end])
    if len(head.encode("utf-8")) > FRONT_MATTER_BYTES:
        raise InputError(str(path), "line 2", f"front matter is over {FRONT_MATTER_BYTES // 1024}"
                         " KiB; keep it to a few keys and put the text after it")
    try:
        front = yaml.load(head, Loader=FrontMatterLoader) or {}  # a SafeLoader, stricter
    except _Refused as exc:
        line = exc.problem_mark.line + 2 if exc.problem_mark is not None else 2
        raise InputError(str(path), f"line {line}", str(exc.problem)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 2
        raise InputError(str(path), f"line {line}", "front matter is not valid YAML: "
                         f"{getattr(exc, 'problem', None) or exc}") from None
    except ValueError as exc:  # a well-formed but impossible date, such as 2024-13-45
        raise InputError(str(path), "front matter", f"impossible date: {exc}") from None
    if not isinstance(front, dict):
        raise InputError(str(path), "line 2", "front matter must be key: value lines")
    return front, "".join(lines[end + 1:]), end + 2


def _pop(front: dict[str, Any], keys: tuple[str, ...]) -> Any:
    found = None
    for key in keys:
        value = front.pop(key, None)
        found = value if found is None else found
    return found


def _moment(path: Path, value: Any, timezone: str) -> datetime:
    """YAML gives dates and datetimes itself; text goes by the same rules as event times."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=ZoneInfo(timezone))
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day, tzinfo=ZoneInfo("UTC"))
    else:
        found = read_time(str(value), timezone)
        if found is None:
            raise InputError(str(path), "front matter", f"date: cannot read {value!r} as a "
                             "time (ISO-8601, epoch seconds or milliseconds, or a date)")
        moment = found
    if not _EARLIEST <= moment < _LATEST:
        raise InputError(str(path), "front matter", f"date: {_plain(value)!r} is outside the "
                         f"accepted range of times, {RANGE}")
    return moment


_EARLIEST, _LATEST = (datetime.fromisoformat(f"{day}T00:00:00+00:00")
                      for day in (EARLIEST, LATEST))


def _plain(value: Any) -> Any:
    """Front-matter values as JSON can hold them."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
