"""Every benchmark runs end to end at a tiny size (its ``--smoke`` mode)."""

import importlib

import pytest

from benchmarks.__main__ import names


@pytest.mark.parametrize("name", names())
def test_benchmark_smoke(name: str) -> None:
    importlib.import_module(f"benchmarks.{name}").main(["--smoke"])
