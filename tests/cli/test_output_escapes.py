"""Text people typed is printed as text: terminal escapes and bidi overrides are shown escaped.

An event name or a ticket holding ``ESC [2J`` cleared the screen of whoever listed it, ``ESC ]``
retitled their terminal, and U+202E made a line read backwards; Rich markup in a cell
(``[/x]``) crashed the table. Tables, evidence, themes, Markdown shown by ``show`` and the error
line print them as visible escapes; ``--json`` as JSON escapes, so the data is unchanged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from needle.cli.output import echo, print_json, print_table, visible

# Anything a terminal acts on: C0 but tab and newline, DEL, C1, bidi embeddings and isolates.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# (case, text, how it is shown)
CASES = [
    ("clear screen", "a\x1b[2Jb", "a\\x1b[2Jb"),
    ("window title", "\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),
    ("C1 CSI", "\x9b31mred", "\\x9b31mred"),
    ("right-to-left override", "invoice\u202efdp.exe", "invoice\\u202efdp.exe"),
    ("every bidi control", "\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069",
     "\\u202a\\u202b\\u202c\\u202d\\u2066\\u2067\\u2068\\u2069"),
    ("nul, backspace, DEL", "x\x00\x08\x7f", "x\\x00\\x08\\x7f"),
    ("carriage return alone", "ok\rfake", "ok\\x0dfake"),
    ("windows line end", "one\r\ntwo", "one\ntwo"),
    ("tab and newline stay", "a\tb\nc", "a\tb\nc"),
    ("ordinary text", "Café — naïve 日本 עברית", "Café — naïve 日本 עברית"),
]


@pytest.mark.parametrize(("case", "text", "shown"), CASES, ids=[c[0] for c in CASES])
def test_visible_escapes_what_a_terminal_would_act_on(case: str, text: str, shown: str) -> None:
    assert visible(text) == shown


def test_newlines_too_for_one_line_output() -> None:
    assert visible("a\nb\tc\r\n", newlines=True) == "a\\x0ab\\x09c\\x0a"


@pytest.fixture
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")


@pytest.mark.parametrize(("case", "text", "shown"), CASES[:7], ids=[c[0] for c in CASES[:7]])
def test_tables_show_cells_headers_and_titles_escaped(wide, capsys, case: str, text: str,
                                                      shown: str) -> None:
    print_table([f"h{text}", "n"], [[text, 1], [None, f"[/x] [bold]{text}[/bold] :smile:"]],
                title=f"t{text}")
    out = capsys.readouterr().out
    assert not RAW.search(out)
    assert out.count(shown) == 4  # the title, the header and two cells
    assert "[/x] [bold]" in out and ":smile:" in out  # Rich markup and emoji codes as typed


def test_echo_prints_text_literally(wide, capsys) -> None:
    echo("[bold]\x1b[31mred\u202e")
    assert capsys.readouterr().out == "[bold]\\x1b[31mred\\u202e\n"


def test_json_keeps_the_text_but_escapes_it(capsys) -> None:
    text = "\x1b[2J\x9b\u202eevil\x7f"
    print_json({"name": text})
    out = capsys.readouterr().out
    assert not RAW.search(out)
    assert json.loads(out) == {"name": text}


EVIL = "\x1b[2J\x1b]0;pwned\x07\u202eevil\x9b"


@pytest.fixture
def evil_workspace(cli, tmp_path: Path, wide):  # type: ignore[no-untyped-def]
    events = tmp_path / "events.jsonl"
    events.write_text(json.dumps({"event": EVIL, "distinct_id": f"u{EVIL}",
                                  "timestamp": "2024-01-01T00:00:00Z"}) + "\n", encoding="utf-8")
    cli("events", "import", str(events))
    tickets = tmp_path / "tickets.jsonl"
    tickets.write_text(json.dumps({"text": f"export broken {EVIL}", "customer": EVIL}) + "\n",
                       encoding="utf-8")
    cli("evidence", "import", str(tickets))
    return cli


@pytest.mark.parametrize("args", [
    ["events", "stats"],
    ["query", "sql", "SELECT event, distinct_id AS who FROM events"],
    ["evidence", "list"],
    ["evidence", "show", "1"],
    ["evidence", "search", "export"],
])
def test_commands_print_other_peoples_text_escaped(evil_workspace, args: list[str]) -> None:
    out = evil_workspace(*args).stdout
    assert not RAW.search(out)
    assert "\\x1b[2J" in out and "\\u202e" in out


@pytest.mark.parametrize("args", [
    ["events", "stats", "--json"],
    ["evidence", "list", "--json"],
])
def test_json_output_holds_the_same_text(evil_workspace, args: list[str]) -> None:
    out = evil_workspace(*args).stdout
    assert not RAW.search(out)
    assert any(EVIL in text for text in _strings(json.loads(out)))


def _strings(data: Any) -> Iterator[str]:
    """Every string in a JSON document, keys too."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield key
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)


def test_the_error_line_is_escaped_and_one_line(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("query", "sql", f"SELECT * FROM \"{EVIL}\nx\"", ok=False)
    assert result.exit_code == 1
    assert not RAW.search(result.stderr) and result.stderr.strip().count("\n") == 0


def test_a_theme_shows_its_label_keywords_and_quotes_escaped(wide, capsys) -> None:
    from needle.cli.themes import _print_detail

    theme = SimpleNamespace(
        id=3, label=f"[red]{EVIL}", origin="built", size=2, share=0.5, customers=1,
        first_seen="2024-01-01", last_seen="2024-01-02", keywords=[EVIL, "export"],
        trend=SimpleNamespace(direction="flat", counts=[1, 1]),
        quotes=[SimpleNamespace(text=f"quote {EVIL}", evidence_id=7)],
        edits=[{"kind": "rename", "detail": EVIL, "author": "ada", "at": "2024-01-03"}])
    _print_detail(theme)  # type: ignore[arg-type]
    out = capsys.readouterr().out
    assert not RAW.search(out)
    assert out.count("\\x1b[2J") == 4 and "[red]" in out
