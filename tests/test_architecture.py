"""The dependency rules of the design, checked on the source: one reader of the lake, no domain
package importing the workspace, statistics only in stats/, no cycles inside analytics/."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "needle"
LAKE_READERS = ("analytics", "events", "io")
DOMAIN = ("analytics", "events", "evidence", "themes", "experiments", "artifacts", "documents",
          "stats")


def _modules(*folders: str) -> Iterator[Path]:
    roots = [PACKAGE / f for f in folders] if folders else [PACKAGE]
    for root in roots:
        yield from sorted(root.rglob("*.py"))


def _imports(path: Path) -> Iterator[str]:
    """Every module ``path`` imports, at any depth (TYPE_CHECKING and function bodies too)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def _package_of(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0]


@pytest.mark.parametrize("needle", ["read_parquet", "duckdb.connect"])
def test_only_analytics_events_and_io_read_parquet_or_connect(needle: str) -> None:
    found = [str(p.relative_to(PACKAGE)) for p in _modules()
             if needle in p.read_text(encoding="utf-8") and _package_of(p) not in LAKE_READERS]
    assert found == []


def test_no_domain_package_imports_the_workspace() -> None:
    found = [str(p.relative_to(PACKAGE)) for p in _modules(*DOMAIN)
             if any(name == "needle.workspace" or name.startswith("needle.workspace.")
                    or name == "needle.Workspace" for name in _imports(p))]
    assert found == []


def test_statistics_libraries_only_in_stats() -> None:
    pattern = re.compile(r"^(scipy\.stats|statsmodels)(\.|$)|^scipy\.stats$")
    found = [str(p.relative_to(PACKAGE)) for p in _modules() if _package_of(p) != "stats"
             and any(pattern.match(n) or n == "scipy.stats" for n in _imports(p))]
    assert found == []


def test_stats_imports_nothing_of_needles() -> None:
    found = [str(p.relative_to(PACKAGE)) for p in _modules("stats")
             if any(n.startswith("needle.") and not n.startswith("needle.stats")
                    for n in _imports(p))]
    assert found == []


def _analytics_part(module: str) -> str | None:
    """The subpackage (or top-level module) of analytics a module name belongs to."""
    parts = module.split(".")
    if parts[:2] != ["needle", "analytics"] or len(parts) < 3:
        return None
    return parts[2]


def test_no_import_cycle_between_analytics_subpackages() -> None:
    graph = nx.DiGraph()
    subpackages = {p.name for p in (PACKAGE / "analytics").iterdir() if p.is_dir()
                   and (p / "__init__.py").exists()}
    for path in _modules("analytics"):
        source = path.relative_to(PACKAGE / "analytics").parts[0].removesuffix(".py")
        for name in _imports(path):
            target = _analytics_part(name)
            if target and target != source and (source in subpackages
                                                or target in subpackages):
                graph.add_edge(source, target)
    assert list(nx.simple_cycles(graph)) == []
