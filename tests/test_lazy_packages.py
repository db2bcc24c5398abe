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

# Libraries that take a twentieth of a second or more to import.
HEAVY = {"alembic", "duckdb", "numpy", "pandas", "pyarrow", "pydantic", "rich", "scipy",
         "sqlalchemy"}


@pytest.mark.parametrize("package", ["needle", "needle.analytics", "needle.experiments",
                                     "needle.stats", "needle.themes"])
def test_every_declared_name_resolves(package: str) -> None:
    module = importlib.import_module(package)
    assert len(set(module.__all__)) == len(module.__all__)
    for name in module.__all__:  # a submodule of the same name must not shadow the name
        assert not isinstance(getattr(module, name), types.ModuleType), name


def modules(args: list[str], cwd: Path) -> set[str]:
    """The modules a fresh Python imports to run ``args`` (after ``python``)."""
    done = subprocess.run([sys.executable, "-X", "importtime", *args], cwd=cwd,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return {line.split("|")[-1].strip() for line in done.stderr.splitlines()
            if line.startswith("import time:")}


def imported(args: list[str], cwd: Path) -> set[str]:
    """The top-level packages a fresh Python imports to run ``args``."""
    return {name.split(".")[0] for name in modules(args, cwd)}


def test_help_imports_no_store_engine_or_data_library(tmp_path: Path) -> None:
    assert imported(["-m", "needle", "--help"], tmp_path) & HEAVY == {"rich"}  # Typer's help


def test_settings_json_opens_neither_store_nor_lake(tmp_path: Path) -> None:
    Workspace.init(tmp_path).close()
    assert imported(["-m", "needle", "settings", "--json"], tmp_path) & HEAVY == set()


@pytest.mark.parametrize("kind", ["problem", "bet", "proposal", "goal", "ship", "teardown"])
def test_listing_artifacts_reads_the_store_without_the_orm(tmp_path: Path, kind: str) -> None:
    Workspace.init(tmp_path).close()
    found = modules(["-m", "needle", kind, "list", "--json"], tmp_path)
    assert {name.split(".")[0] for name in found} & HEAVY == {"sqlalchemy"}
    assert "sqlalchemy.orm" not in found and "needle.analytics" not in found


def test_command_modules_load_rich_only_to_show_something(tmp_path: Path) -> None:
    """Rich loads when a table, a status line or a progress bar is shown, so ``--json`` does
    without it; ``needle demo`` always shows its progress."""
    names = sorted(path.stem for path in (Path(__file__).parents[1] / "needle" / "cli").glob(
        "*.py") if path.stem not in ("__init__", "demo"))
    code = "; ".join(f"import needle.cli.{name}" for name in names)
    assert "rich" not in imported(["-c", code], tmp_path)


def test_opening_a_current_store_imports_neither_alembic_nor_the_orm(tmp_path: Path) -> None:
    Workspace.init(tmp_path).close()
    url = f"sqlite:///{tmp_path / '.needle' / 'needle.db'}"
    found = modules(["-c", f"from needle.store import Store; Store({url!r}).close()"], tmp_path)
    assert "sqlalchemy" in found and "alembic" not in found and "sqlalchemy.orm" not in found
