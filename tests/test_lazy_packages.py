"""Start-up stays cheap: packages load their public API on first use (and still export every
name they declare), and a command imports only the libraries its work needs."""

from __future__ import annotations

import importlib
import subprocess
import sys
import types
from pathlib import Path

import pytest

from needle.workspace import Workspace

# Libraries that take a tenth of a second or more to import.
HEAVY = {"alembic", "duckdb", "numpy", "pandas", "pyarrow", "rich", "scipy", "sqlalchemy"}


@pytest.mark.parametrize("package", ["needle", "needle.analytics", "needle.experiments",
                                     "needle.stats", "needle.themes"])
def test_every_declared_name_resolves(package: str) -> None:
    module = importlib.import_module(package)
    assert len(set(module.__all__)) == len(module.__all__)
    for name in module.__all__:  # a submodule of the same name must not shadow the name
        assert not isinstance(getattr(module, name), types.ModuleType), name


def imported(args: list[str], cwd: Path) -> set[str]:
    """The top-level packages a fresh Python imports to run ``args`` (after ``python``)."""
    done = subprocess.run([sys.executable, "-X", "importtime", *args], cwd=cwd,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    names = [line.split("|")[-1].strip() for line in done.stderr.splitlines()
             if line.startswith("import time:")]
    return {name.split(".")[0] for name in names}


def test_help_imports_no_store_engine_or_data_library(tmp_path: Path) -> None:
    assert imported(["-m", "needle", "--help"], tmp_path) & HEAVY == {"rich"}  # Typer's help


def test_settings_json_opens_neither_store_nor_lake(tmp_path: Path) -> None:
    Workspace.init(tmp_path).close()
    assert imported(["-m", "needle", "settings", "--json"], tmp_path) & HEAVY == set()


def test_listing_artifacts_opens_the_store_only(tmp_path: Path) -> None:
    Workspace.init(tmp_path).close()
    found = imported(["-m", "needle", "problem", "list", "--json"], tmp_path)
    assert found & HEAVY == {"sqlalchemy"}


def test_opening_a_current_store_does_not_import_alembic(tmp_path: Path) -> None:
    Workspace.init(tmp_path).close()
    url = f"sqlite:///{tmp_path / '.needle' / 'needle.db'}"
    found = imported(["-c", f"from needle.store import Store; Store({url!r}).close()"], tmp_path)
    assert "sqlalchemy" in found and "alembic" not in found
