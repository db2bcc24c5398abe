"""``needle export --to DIR`` copies the lake and its manifest; the spark engine reads the copy
through lake_path and answers as over the workspace's own lake."""

from __future__ import annotations

import json

from tests.analytics.conftest import D, ev, table

ROWS = [ev("u", "visit", 0), ev("u", "signup", 60), ev("v", "visit", D), ev("w", "visit", 2 * D)]


def test_export_then_read_the_copy_on_spark(workspace, cli, tmp_path) -> None:
    workspace.lake.append(table(ROWS))
    target = tmp_path / "cluster" / "lake"
    done = json.loads(cli("export", "--to", str(target), "--json").stdout)
    assert (done["files"], done["rows"]) == (3, 4)
    assert json.loads((target / "manifest.json").read_text())["files"][0]["rows"] == 2
    query = ["query", "funnel", "visit", "signup", "--from", "2024-01-01", "--to", "2024-01-03",
             "--json"]
    own = json.loads(cli(*query).stdout)
    copy = json.loads(cli("--setting", "engine=spark", "--setting", f"lake_path={target}",
                          *query).stdout)
    assert copy == own and [s["users"] for s in own["steps"]] == [3, 1]


def test_export_refuses_a_folder_in_use(workspace, cli, tmp_path) -> None:
    workspace.lake.append(table(ROWS))
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    result = cli("export", "--to", str(tmp_path / "busy"), ok=False)
    assert result.exit_code != 0 and "not empty" in result.output


def test_lake_path_without_a_lake_is_one_line(workspace, cli, tmp_path) -> None:
    result = cli("--setting", "engine=spark", "--setting", f"lake_path={tmp_path}", "query",
                 "trend", "visit", ok=False)
    assert result.exit_code != 0 and "no lake manifest there" in result.output
