"""Settings are shown without their secrets: a store URL's password, a secret setting's value."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from needle.cli.main import app
from needle.config import load_settings, redacted
from needle.errors import UserError
from needle.workspace import Workspace

PASSWORD = "hunter2-s3cr%40t"
URL = f"postgresql+psycopg://ada:{PASSWORD}@127.0.0.1:9/needle"  # never connected to


@pytest.mark.parametrize(("name", "value", "shown"), [
    ("store_url", URL, "postgresql+psycopg://ada:***@127.0.0.1:9/needle"),
    ("store_url", "postgresql://ada:p@ss:w/rd@db/needle", "postgresql://ada:***@db/needle"),
    ("store_url", "postgresql://ada:@db/needle", "postgresql://ada:***@db/needle"),
    ("store_url", "postgresql://ada@db/needle", "postgresql://ada@db/needle"),
    ("store_url", "postgresql://db:5432/needle", "postgresql://db:5432/needle"),
    ("store_url", "sqlite:////home/ada/ws/.needle/needle.db",
     "sqlite:////home/ada/ws/.needle/needle.db"),
    ("store_url", "postgresql://db/needle?sslpassword=x&application_name=n&api_key=y",
     "postgresql://db/needle?sslpassword=***&application_name=n&api_key=***"),
    ("store_url", "", ""),
    ("api_token", "abc", "***"),
    ("smtp_password", "abc", "***"),
    ("author", "ada", "ada"),
    ("threads", 4, 4),
])
def test_redacted_hides_passwords_and_secret_settings(name: str, value: Any, shown: Any) -> None:
    assert redacted(name, value) == shown


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    made = Workspace.init(tmp_path / "ws")
    made.close()
    return made


@pytest.mark.parametrize("how", ["setting", "environment", "needle.toml"])
def test_settings_never_print_the_store_password(ws: Workspace, monkeypatch: pytest.MonkeyPatch,
                                                 how: str) -> None:
    args = ["-w", str(ws.root)]
    if how == "setting":
        args += ["--setting", f"store_url={URL}"]
    elif how == "environment":
        monkeypatch.setenv("NEEDLE_STORE_URL", URL)
    else:
        (ws.root / "needle.toml").write_text(f'[needle]\nstore_url = "{URL}"\n', encoding="utf-8")
    runner = CliRunner()
    as_json = runner.invoke(app, [*args, "settings", "--json"])
    table = runner.invoke(app, [*args, "settings"])
    for result in (as_json, table):
        assert result.exit_code == 0, result.output
        assert PASSWORD not in result.output and "hunter2" not in result.output
    shown = {row["name"]: row["value"] for row in json.loads(as_json.stdout)}
    assert shown["store_url"] == "postgresql+psycopg://ada:***@127.0.0.1:9/needle"


def test_a_bad_secret_value_is_not_echoed_in_the_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEEDLE_THREADS", f"four {URL}")
    with pytest.raises(UserError) as caught:
        load_settings()
    assert PASSWORD not in str(caught.value) and PASSWORD not in str(caught.value.value)
