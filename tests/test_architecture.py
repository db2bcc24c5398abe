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
    # needle.lazy only defers the package's own imports
    found = [str(p.relative_to(PACKAGE)) for p in _modules("stats")
             if any(n.startswith("needle.") and not n.startswith(("needle.stats", "needle.lazy"))
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


# A flag, or a ``needle`` command (``needle {kind}`` in an f-string too): the CLI's words.
CLI_WORDS = re.compile(
    r"--[a-zA-Z]|\bneedle (?:(?:init|events|evidence|query|insight|experiment|themes|problem|bet"
    r"|proposal|journal|goal|ship|teardown|portfolio|plan|demo|settings|serve|token|anomalies)"
    r"\b|\{\})")
# Documentation generators, which write docs for the CLI's users: (module, function).
DOC_WRITERS = {("config.py", "settings_reference")}


def _docstrings(tree: ast.AST) -> set[int]:
    bodies = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, bodies) and node.body and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)}


def _texts(tree: ast.AST, skip: set[int]) -> Iterator[tuple[int, str]]:
    """Every string literal but docstrings; an f-string with ``{}`` for each value."""
    inner = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
             for part in node.values}
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr) and id(node) not in skip:
            yield node.lineno, "".join(p.value if isinstance(p, ast.Constant) else "{}"
                                       for p in node.values)
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and id(node) not in skip | inner):
            yield node.lineno, node.value


def _doc_writer_nodes(path: Path, tree: ast.AST) -> set[int]:
    module = str(path.relative_to(PACKAGE))
    return {id(inner) for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
            and (module, node.name) in DOC_WRITERS for inner in ast.walk(node)}


def test_library_messages_name_no_cli_words() -> None:
    """Library errors and texts speak in domain words; only the CLI and web name flags and
    commands (``needle.cli.hints`` words a ``UserError``'s ``field`` and ``hint``)."""
    found = []
    for path in _modules():
        if _package_of(path) in ("cli", "web"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree) | _doc_writer_nodes(path, tree)
        found += [f"{path.relative_to(PACKAGE)}:{line}: {text!r}"
                  for line, text in _texts(tree, skip) if CLI_WORDS.search(text)]
    assert found == []
