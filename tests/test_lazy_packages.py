"""Packages that load their public API on first use still export every name they declare."""

import importlib

import pytest


@pytest.mark.parametrize("package", ["needle.experiments"])
def test_every_declared_name_resolves(package: str) -> None:
    module = importlib.import_module(package)
    assert module.__all__ == sorted(module.__all__)
    for name in module.__all__:
        assert getattr(module, name) is not None, name
