"""The CLI reference (docs/cli.md), generated from ``--help`` so it cannot drift.

Regenerate with ``python -m needle.cli.reference > docs/cli.md``; a test compares the two.
"""

from __future__ import annotations

from collections.abc import Iterator

import typer
from typer.testing import CliRunner

from needle.cli.main import app
from needle.cli.shapes import Command

WIDTH = "100"
Entry = tuple[tuple[str, ...], Command]


def commands() -> Iterator[Entry]:
    """Every command and group with its path, depth first, in the order ``--help`` lists them."""

    def walk(ctx: typer.Context, path: tuple[str, ...]) -> Iterator[Entry]:
        yield path, ctx.command
        group = ctx.command
        for name in getattr(group, "list_commands", lambda _ctx: [])(ctx):
            sub = group.get_command(ctx, name)  # type: ignore[attr-defined]
            yield from walk(typer.Context(sub, parent=ctx, info_name=name), (*path, name))

    root = typer.main.get_command(app)
    yield from walk(typer.Context(root, info_name="needle"), ())


def command_paths() -> Iterator[tuple[str, ...]]:
    """Every command and group, depth first, in the order ``--help`` lists them."""
    return (path for path, _ in commands())


def help_text(path: tuple[str, ...]) -> str:
    result = CliRunner().invoke(
        app,
        [*path, "--help"],
        prog_name="needle",
        env={"COLUMNS": WIDTH, "NO_COLOR": "1", "TERM": "dumb"},
    )
    return "\n".join(line.rstrip() for line in result.output.strip("\n").splitlines())


def reference() -> str:
    parts = ["# CLI reference", "", "Generated from `needle ... --help`; do not edit by hand.", ""]
    for path in command_paths():
        parts += [f"## {' '.join(('needle', *path))}", "", "```", help_text(path), "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    print(reference(), end="")
