"""``needle evidence import``: tickets, surveys and notes into the store, all or nothing.

Every file is read and checked first; then all records are added in one transaction, so a bad
row anywhere leaves the store as it was. Evidence already stored (same content hash) is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from needle.errors import UserError
from needle.evidence.models import KINDS
from needle.evidence.notes import note_files, read_notes
from needle.evidence.store import EvidenceRecord, add_evidence
from needle.evidence.tabular import EvidenceMapping, read_rows
from needle.io.files import BadRow, ImportResult, write_rejects
from needle.io.tables import ReadOptions
from needle.store import Store

NOTE_KIND = "interview"
TABLE_KIND = "ticket"


def import_evidence(
    store: Store,
    paths: Sequence[Path],
    kind: str | None = None,
    mapping: EvidenceMapping | None = None,
    options: ReadOptions | None = None,
    timezone: str = "UTC",
    rejects_to: Path | None = None,
    step: Callable[[str], None] | None = None,
) -> ImportResult:
    """Import files and folders of notes; ``kind`` defaults to interview for notes and to
    ticket for rows."""
    if kind is not None and kind not in KINDS:
        raise UserError(f"unknown evidence kind {kind!r}; use one of {', '.join(KINDS)}")
    options = options or ReadOptions()
    records: list[EvidenceRecord] = []
    rejected: list[BadRow] = []
    for path in paths:
        (step or (lambda _: None))(f"reading {path.name}")
        found, bad = _read(path, kind, mapping or EvidenceMapping(), options, timezone)
        records += found
        rejected += bad
    with store.session() as session:
        added = add_evidence(session, records)
    written = write_rejects(rejects_to, rejected) if rejected and rejects_to else None
    return ImportResult(len(paths), len(records), added.added, len(rejected), written)


def _read(path: Path, kind: str | None, mapping: EvidenceMapping, options: ReadOptions,
          timezone: str) -> tuple[list[EvidenceRecord], list[BadRow]]:
    if path.is_dir():
        return read_notes(note_files(path), kind or NOTE_KIND, timezone, path, options.skip_bad)
    if path.suffix.lower() in (".md", ".markdown"):
        return read_notes([path], kind or NOTE_KIND, timezone, path.parent, options.skip_bad)
    return read_rows(path, kind or TABLE_KIND, mapping, options, timezone)
