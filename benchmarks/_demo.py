"""The demo workspace a benchmark runs on: built once at full size and kept under
benchmarks/.data, or a small one in a temporary folder for a smoke run."""

from __future__ import annotations

import tempfile
from pathlib import Path


def demo_workspace(name: str, smoke: bool, root: Path | None) -> Path:
    """``root``, or the benchmark ``name``'s own demo, built when missing (themes included)."""
    from needle.demo import build, demo_info
    from needle.demo.truth import MIN_DAYS

    if smoke:
        folder = Path(tempfile.mkdtemp(prefix=f"needle-{name}-bench-")) / "demo"
        build(folder, users=1_000, days=MIN_DAYS).close()
        return folder
    folder = root or Path(__file__).parent / ".data" / f"{name}-demo"
    if demo_info(folder) is None:
        print(f"building the demo in {folder} (once)", flush=True)
        build(folder, force=True).close()
    return folder
