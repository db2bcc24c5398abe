"""``needle export`` of a lake without events still leaves a whole (empty) lake to read."""

from __future__ import annotations

import json


def test_an_empty_lake_exports_its_manifest(workspace, cli, tmp_path) -> None:
    target = tmp_path / "cluster" / "lake"
    done = json.loads(cli("export", "--to", str(target), "--json").stdout)
    assert (done["files"], done["rows"], done["bytes"]) == (0, 0, 0)
    assert json.loads((target / "manifest.json").read_text())["files"] == []
