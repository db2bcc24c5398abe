"""Package names that load on first use (PEP 562): a command imports only what it runs.

A package (or a module, as :mod:`needle.store` does for ``Base``) lists ``{name: module}`` and
sets ``__getattr__ = lazy.exports(__name__, table)``.
An exported name must not also name a module of the package: importing that module would bind
the module over the name (a test checks every package's names)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def exports(package: str, table: Mapping[str, str]) -> Callable[[str], Any]:
    """The package's ``__getattr__``: each name from its module, imported when first asked."""

    def __getattr__(name: str) -> Any:
        if name not in table:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(table[name]), name)

    return __getattr__
