"""The CLI words a library error's structured fields: hint codes as commands, fields as flags."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from needle.artifacts import kinds as artifact_kinds
from needle.cli import hints
from needle.cli.main import _LAZY, app, load_command
from needle.errors import InputError, UserError
from needle.workspace import Workspace

PACKAGE = Path(hints.__file__).resolve().parents[1]


@pytest.mark.parametrize(("error", "line"), [
    (UserError("no Needle workspace at or above /x", hint="init"),
     "error: no Needle workspace at or above /x; run `needle init DIR` or pass -w DIR"),
    (UserError("the event lake is empty; import events first", hint="import-events"),
     "error: the event lake is empty; import events first; "
     "import some with `needle events import FILE`"),
    (UserError("no insight named 'x'", field="insight", value="x", hint="insight-list"),
     "error: no insight named 'x'; `needle insight list` shows the saved ones"),
    (UserError("no decision with id 3", field="decision", value=3, hint="decision-list"),
     "error: no decision with id 3; `needle journal list` shows them"),
    (UserError("split 'a': write it as VARIANT=WEIGHT", field="split", value="a"),
     "error: split 'a': write it as VARIANT=WEIGHT (see --split)"),
    (UserError("start 'x': write a date as YYYY-MM-DD", field="start", value="x"),
     "error: start 'x': write a date as YYYY-MM-DD (see --from)"),
    (InputError("f.csv", "line 1", "no event name column; name it", field="event_col"),
     "error: f.csv: line 1: no event name column; name it (see --event-col or --event NAME)"),
    (UserError("setting 'threads' must be a int", field="threads", hint="settings"),
     "error: setting 'threads' must be a int; `needle settings` lists every setting"),
    (UserError("an insight needs a name", field="name"), "error: an insight needs a name"),
    (UserError("odd", hint="no-such-code"), "error: odd"),
])
def test_error_line(error: UserError, line: str) -> None:
    assert hints.error_line(error) == line


@pytest.mark.parametrize(("field", "flag"), [
    ("replace", "--replace"), ("lower_is_better", "--lower-is-better"), ("start", "--from"),
    ("end", "--to"), ("breakdown_limit", "--limit"), ("due", "--by"), ("criteria", "--criterion"),
])
def test_flag(field: str, flag: str) -> None:
    assert hints.flag(field) == flag


def _commands() -> Iterator[tuple[str, Any]]:
    """Every command of the CLI, by its path (``events import``), the root as ``""``."""
    def walk(path: str, command: Any) -> Iterator[tuple[str, Any]]:
        yield path, command
        if hasattr(command, "list_commands"):
            ctx = typer.Context(command)
            for name in command.list_commands(ctx):
                sub = (load_command(name) if not path and name in _LAZY
                       else command.get_command(ctx, name))
                yield from walk(f"{path} {name}".strip(), sub)

    return walk("", typer.main.get_command(app))


@pytest.fixture(scope="module")
def cli_commands() -> dict[str, Any]:
    return dict(_commands())


def test_every_option_field_is_a_flag_of_the_cli(cli_commands: dict[str, Any]) -> None:
    flags = {o for c in cli_commands.values() for p in c.params
             if p.param_type_name == "option" for o in p.opts}
    wanted = {hints.flag(f) for f in hints.OPTION_FIELDS}
    wanted |= {a.split()[0] for a in hints.ALTERNATIVES.values()}
    assert wanted - flags == set()


def test_every_suggested_command_exists(cli_commands: dict[str, Any]) -> None:
    texts = [*hints.HINTS.values(), *hints.COMMANDS.values()]
    named = {m.group(1) for t in texts for m in re.finditer(r"needle ([a-z][a-z -]*)", t)}
    for words in named:
        path = ""
        for word in words.split():
            if f"{path} {word}".strip() not in cli_commands:
                break
            path = f"{path} {word}".strip()
        command = cli_commands[path]
        assert path, words
        assert not hasattr(command, "list_commands") or command.invoke_without_command, words


def _library_hints() -> Iterator[str]:
    """Every constant ``hint=`` a library module passes."""
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.relative_to(PACKAGE).parts[0] in ("cli", "web"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "hint" and isinstance(
                    node.value, ast.Constant) and isinstance(node.value.value, str):
                yield node.value.value


def test_every_library_hint_has_cli_words() -> None:
    assert set(_library_hints()) - set(hints.HINTS) == set()
    assert set(hints.ARTIFACT_GROUPS) == set(artifact_kinds.KINDS)
    locking = {k.name for k in artifact_kinds.KINDS.values() if k.locked}
    assert {f"{kind}-amend" for kind in locking} <= set(hints.HINTS)


def test_every_plan_stage_has_a_command(workspace: Workspace) -> None:
    workspace.start_plan(date.today())
    assert all(row["hint"] in hints.COMMANDS for row in workspace.plan())
    row = hints.with_command({"stage": 2, "hint": "problem-link"})
    assert row == {"stage": 2, "command": "needle problem link ID evidence:ID"}


def test_a_missing_workspace_is_one_line_naming_init() -> None:
    result = CliRunner().invoke(app, ["-w", "/nonexistent", "events", "stats"])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert "`needle init DIR`" in result.stderr


def test_a_bad_option_value_names_the_flag(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("query", "funnel", "visit", "signup", "--from", "2024-13-01", ok=False)
    assert result.exit_code == 1
    assert result.stderr == ("error: start '2024-13-01': write a date as YYYY-MM-DD "
                             "(see --from)\n")


def test_a_rejects_folder_names_the_flag(cli, tmp_path: Path):  # type: ignore[no-untyped-def]
    events = tmp_path / "e.csv"
    events.write_text("distinct_id,timestamp,event\nu1,2024-01-01T00:00:00Z,signup\n"
                      "u2,not a time,signup\n", encoding="utf-8")
    result = cli("events", "import", str(events), "--skip-bad", "--rejects", str(tmp_path),
                 ok=False)
    assert result.stderr.strip() == (f"error: {tmp_path}: cannot write the rejected rows: it "
                                     "is a folder; nothing was imported (see --rejects)")


def test_one_property_twice_names_the_flag(cli, tmp_path: Path):  # type: ignore[no-untyped-def]
    events = tmp_path / "e.csv"
    events.write_text("distinct_id,timestamp,event,plan,properties.plan\n"
                      "u1,2024-01-01T00:00:00Z,signup,a,b\n", encoding="utf-8")
    result = cli("events", "import", str(events), ok=False)
    assert result.stderr.strip() == (f"error: {events}: line 1 (header): columns 'plan' and "
                                     "'properties.plan' are both property 'plan'; keep one "
                                     "(see --props-cols)")
