from pathlib import Path

import pytest
from sqlalchemy import inspect

from needle import UserError, Workspace
from needle.store import is_current


def test_init_creates_config_store_and_lake(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "w")
    assert (ws.root / "needle.toml").is_file()
    assert (ws.root / ".needle" / "needle.db").is_file()
    assert "evidence" in inspect(ws.store.engine).get_table_names()
    assert is_current(ws.store.engine)


def test_find_walks_up_from_a_subfolder(tmp_path: Path) -> None:
    Workspace.init(tmp_path)
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert Workspace.find(deep).root == tmp_path.resolve()


def test_find_without_workspace_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no Needle workspace at or above") as raised:
        Workspace.find(tmp_path)
    assert raised.value.hint == "init"


def test_engine_setting_is_checked_when_settings_load(tmp_path: Path) -> None:
    Workspace.init(tmp_path)
    with Workspace.open(tmp_path, {"engine": "duckdb"}) as workspace:
        assert workspace.engine.name == "duckdb"
    (tmp_path / "needle.toml").write_text('[needle]\nengine = "nope"\n', encoding="utf-8")
    with pytest.raises(UserError, match="must be one of duckdb, spark, got 'nope'") as raised:
        Workspace.open(tmp_path)
    assert (raised.value.field, raised.value.hint) == ("engine", "settings")


def test_a_closed_workspace_reopens_its_engine_when_the_lake_changes(tmp_path: Path) -> None:
    with Workspace.init(tmp_path) as workspace:
        empty = workspace.engine
        assert workspace.engine is empty
        events = tmp_path / "e.csv"
        events.write_text("event,distinct_id,timestamp\nvisit,u1,2024-01-01T00:00:00Z\n",
                          encoding="utf-8")
        workspace.import_events([events])
        assert workspace.engine is not empty
        assert workspace.trend(["visit"]).series[0].total == 1


def test_settings_layering(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = Workspace.init(tmp_path)
    (tmp_path / "needle.toml").write_text('[needle]\nthreads = 2\nauthor = "toml"\n')
    monkeypatch.setenv("NEEDLE_AUTHOR", "env")
    ws = Workspace.open(tmp_path, {"threads": "3"})
    assert ws.settings["threads"] == 3
    assert ws.author == "env"


def test_unknown_setting_is_a_user_error(tmp_path: Path) -> None:
    Workspace.init(tmp_path)
    (tmp_path / "needle.toml").write_text("[needle]\nthreds = 2\n")
    with pytest.raises(UserError, match="unknown setting 'threds'"):
        Workspace.open(tmp_path)


def test_cli_error_is_one_line_with_exit_code_1(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from needle.cli.main import app

    result = CliRunner().invoke(app, ["-w", str(tmp_path), "events", "stats"])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0
    assert "not a Needle workspace" in result.output


def test_cli_usage_error_exit_code_2(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from needle.cli.main import app

    assert CliRunner().invoke(app, ["events", "no-such-command"]).exit_code == 2


def test_settings_command_reports_a_broken_config(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from needle.cli.main import app

    outside = CliRunner().invoke(app, ["-w", str(tmp_path), "settings", "--json"])
    assert outside.exit_code == 0  # no workspace: the defaults are shown
    assert {r["name"]: r["value"] for r in json.loads(outside.output)}["memory_limit"] == "2GB"
    Workspace.init(tmp_path)
    (tmp_path / "needle.toml").write_text("[needle]\nthreads = \n")
    broken = CliRunner().invoke(app, ["-w", str(tmp_path), "settings"])
    assert broken.exit_code == 1 and "not valid TOML" in broken.output


def test_the_spark_engine_without_pyspark_says_what_to_install(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    for name in [m for m in sys.modules if m.startswith(("pyspark", "needle.analytics.spark"))]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pyspark", None)  # as if it were not installed
    Workspace.init(tmp_path)
    with Workspace.open(tmp_path, {"engine": "spark"}) as workspace, \
            pytest.raises(UserError, match=r"pip install 'needle\[spark\]'"):
        workspace.engine  # noqa: B018
