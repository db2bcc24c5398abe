"""A copy of the event lake, with its manifest, in a folder a cluster reads.

Files are copied as they are (the same Parquet, the same ``day=`` folders), so the Spark engine,
DuckDB or any Parquet reader reads the copy without converting anything. The copy is taken while
holding the lake's writer lock, so no import or compaction changes it halfway, and the manifest
is written last: a reader of the copy sees the whole lake or no lake.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from needle.errors import UserError
from needle.events.lake import MANIFEST, EventLake
from needle.io.files import disk_reason


@dataclass(frozen=True)
class ExportResult:
    to: str
    files: int
    rows: int
    bytes: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _check_target(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise UserError(f"{target}: not a folder; give an empty or new folder", field="to")
    if target.is_dir() and any(target.iterdir()):
        raise UserError(f"{target}: the folder is not empty; give an empty or new folder",
                        field="to")


def export_lake(lake: EventLake, target: Path) -> ExportResult:
    """Copy every file the manifest names, then the manifest, into ``target``."""
    _check_target(target)
    with lake.writing():
        manifest = json.loads((lake.root / MANIFEST).read_text()) if lake.files() else {
            "files": []}
        try:
            target.mkdir(parents=True, exist_ok=True)  # a lake without files still has a manifest
            size = sum(_copy(lake.root / e["path"], target / e["path"]) for e in manifest["files"])
            staged = target / f".{MANIFEST}.tmp"
            staged.write_text(json.dumps(manifest, indent=1))
            os.replace(staged, target / MANIFEST)
        except OSError as exc:
            raise UserError(f"{target}: cannot write the export: {disk_reason(exc)}",
                            field="to") from None
    rows = sum(e["rows"] for e in manifest["files"])
    return ExportResult(str(target), len(manifest["files"]), rows, size)


def _copy(source: Path, destination: Path) -> int:
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, destination)
    return destination.stat().st_size
