"""``needle evidence import``: tickets, surveys and notes into the store, all or nothing.

Every file is read and checked first; then all records are added in one transaction, so a bad
row anywhere (or a full disk) leaves the store as it was. Each row is its own piece of evidence,
even when another row has the same text (how many people said a thing is what themes count);
only a row already stored (see :attr:`EvidenceRecord.content_hash`) is skipped, and so are rows
with no text, which are counted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import OperationalError

from needle.errors import UserError
from needle.evidence.models import KINDS
from needle.evidence.notes import note_files, read_notes
from needle.evidence.store import EvidenceRecord, add_evidence
from needle.evidence.tabular import EvidenceMapping, Rows, read_rows
from needle.io.files import BadRow, ImportResult, discard, disk_reason, one_line, write_rejects
from needle.io.tables import ReadOptions
from needle.store import Store

NOTE_KIND = "interview"
TABLE_KIND = "ticket"


@dataclass(frozen=True)
class EvidenceImport(ImportResult):
    """An import's counts, plus how many rows read repeat the text of another row read."""

    same_text: int = 0

    def to_json(self) -> dict[str, object]:
        return {**super().to_json(), "same_text": self.same_text}


def import_evidence(
    store: Store,
    paths: Sequence[Path],
    kind: str | None = None,
    mapping: EvidenceMapping | None = None,
    options: ReadOptions | None = None,
    timezone: str = "UTC",
    rejects_to: Path | None = None,
    step: Callable[[str], None] | None = None,
) -> EvidenceImport:
    """Import files and folders of notes; ``kind`` defaults to interview for notes and to
    ticket for rows."""
    if kind is not None and kind not in KINDS:
        raise UserError(f"unknown evidence kind {kind!r}; use one of {', '.join(KINDS)}")
    options = options or ReadOptions()
    records: list[EvidenceRecord] = []
    rejected: list[BadRow] = []
    empty = 0
    for path in paths:
        (step or (lambda _: None))(f"reading {path.name}")
        found = _read(path, kind, mapping or EvidenceMapping(), options, timezone)
        records += found.records
        rejected += found.bad
        empty += found.empty
    written = write_rejects(rejects_to, rejected) if rejected and rejects_to else None
    try:
        with store.session() as session:
            added = add_evidence(session, records)
    except (OSError, OperationalError) as exc:
        discard(written)
        raise UserError(f"cannot store the evidence: {_storage_reason(exc)}; nothing was "
                        "imported") from None
    except BaseException:
        discard(written)
        raise
    texts = {(r.kind, r.normal_text) for r in records}
    return EvidenceImport(len(paths), len(records), added.added, len(rejected), written,
                          empty=empty, same_text=len(records) - len(texts))


def _storage_reason(exc: OSError | OperationalError) -> str:
    """The database's own words (``database or disk is full``), never the statement or the
    evidence text that SQLAlchemy's message carries."""
    if isinstance(exc, OSError):
        return disk_reason(exc)
    return one_line(str(exc.orig).split("\n")[0]) or "the database refused the write"


def _read(path: Path, kind: str | None, mapping: EvidenceMapping, options: ReadOptions,
          timezone: str) -> Rows:
    if path.is_dir():
        return Rows(*read_notes(note_files(path), kind or NOTE_KIND, timezone, path,
                                options.skip_bad), empty=0)
    if path.suffix.lower() in (".md", ".markdown"):
        return Rows(*read_notes([path], kind or NOTE_KIND, timezone, path.parent,
                                options.skip_bad), empty=0)
    return read_rows(path, kind or TABLE_KIND, mapping, options, timezone)
