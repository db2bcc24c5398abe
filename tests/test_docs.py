"""Docs that cannot drift: the CLI reference and the settings table match the code."""

from pathlib import Path

import pytest

from needle.cli.main import LAZY_COMMANDS, load_command
from needle.cli.reference import command_paths, help_text, reference
from needle.config import settings_reference

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_cli_reference_is_current() -> None:
    current = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert current == reference(), "run: make docs"


@pytest.mark.parametrize("path", list(command_paths())[1:], ids=" ".join)
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    text = help_text(path)
    usage_end = text.index("Usage:")
    assert text[usage_end:].split("\n", 3)[2].strip(), f"needle {' '.join(path)} has no help"


def test_settings_reference_is_current() -> None:
    current = (DOCS / "settings.md").read_text(encoding="utf-8")
    assert current == settings_reference(), "run: make docs"


@pytest.mark.parametrize("name", [row[0] for row in LAZY_COMMANDS])
def test_listed_help_matches_the_module(name: str) -> None:
    command = load_command(name)
    assert (command.help or "").strip().startswith(dict(
        (row[0], row[3]) for row in LAZY_COMMANDS)[name])
