"""The lake's manifest: the list of the Parquet files that make up the event lake now.

Kept apart from :mod:`needle.events.lake` so that a reader that only needs the list (or to know
whether the lake changed) does not import Arrow and DuckDB.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"


def manifest_text(root: Path) -> str:
    """The manifest of the lake under ``root`` as stored (an empty lake's when there is none)."""
    path = root / MANIFEST
    return path.read_text(encoding="utf-8") if path.exists() else '{"files": []}'


def read_manifest(root: Path) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads(manifest_text(root))
    return manifest


def manifest_files(manifest: dict[str, Any], root: Path) -> list[Path]:
    """Every Parquet file the manifest names, in day order."""
    return [root / entry["path"] for entry in manifest["files"]]
