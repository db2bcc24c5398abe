"""Options shared by every command: which workspace, which settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from needle.errors import UserError

if TYPE_CHECKING:
    from needle.workspace import Workspace


@dataclass
class Options:
    workspace_dir: Path | None = None
    overrides: dict[str, Any] = field(default_factory=dict)


def parse_overrides(pairs: list[str]) -> dict[str, str]:
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise UserError(f"--setting {pair!r}: write it as name=value")
        overrides[name.strip()] = value.strip()
    return overrides


def open_workspace(ctx: typer.Context) -> Workspace:
    """The workspace named by -w, or the nearest one above the current folder."""
    from needle.workspace import Workspace

    options: Options = ctx.find_root().obj or Options()
    if options.workspace_dir is not None:
        return Workspace.open(options.workspace_dir, options.overrides)
    return Workspace.find(Path.cwd(), options.overrides)
