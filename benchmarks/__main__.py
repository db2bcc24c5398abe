"""``python -m benchmarks [NAME [ARGS...]]``: run one benchmark, or all of them in turn."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def names() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)])
                  if not m.name.startswith("_"))


def main(argv: list[str]) -> None:
    chosen = [argv[0]] if argv else names()
    for name in chosen:
        print(f"== {name}", flush=True)
        importlib.import_module(f"benchmarks.{name}").main(argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
