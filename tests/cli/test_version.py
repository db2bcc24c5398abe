"""``needle --version`` prints the installed package's version and needs no workspace."""

from __future__ import annotations

from importlib.metadata import version

from typer.testing import CliRunner

from needle.cli.main import app


def test_version_comes_from_package_metadata(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # no workspace here
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"needle {version('needle')}\n"
