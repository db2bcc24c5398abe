"""The JSON reference (docs/json.md), generated from the shapes commands declare so it cannot drift.

Regenerate with ``python -m needle.cli.json_reference > docs/json.md``; a test compares the two.
"""

from __future__ import annotations

from collections.abc import Iterator

from needle.analytics import kinds
from needle.cli.reference import commands
from needle.cli.shapes import (
    Command,
    Fields,
    Shape,
    has_json,
    parse,
    result_fields,
    shape_of,
    wildcard,
)

HEADER = """# JSON output

Generated from the shapes the code declares (`python -m needle.cli.json_reference`); do not edit
by hand. With `--json`, each command below prints one JSON document on stdout.

Values are `str`, `int`, `float` (any number), `bool`, `null`, `date` (an ISO 8601 day,
`2024-05-01`), `datetime` (an ISO 8601 date-time), `object` (an object whose keys vary, as the
note says) or `any` (any JSON value); `a or b` is either. An object has every key listed, except
those that *may be absent*; a key written `<name>` stands for any key.
"""


def json_commands() -> Iterator[tuple[tuple[str, ...], Command]]:
    """Every command with a ``--json`` flag, in help order."""
    return ((path, command) for path, command in commands() if has_json(command))


def declared(path: tuple[str, ...], command: Command) -> Shape:
    shape = shape_of(command)
    if shape is None:
        raise LookupError(f"needle {' '.join(path)} has --json but declares no shape: "
                          "put @json_shape(...) under its @app.command() (see needle.cli.shapes)")
    return shape


def kind_shape(kind: kinds.Kind) -> Shape:
    fields = result_fields(kind.result)
    if fields is None:
        raise LookupError(f"query kind {kind.name!r}: {kind.result.__name__} declares no "
                          "JSON_SHAPE (see needle.cli.shapes)")
    return Shape(kind.help, fields)


def describe(fields: Fields) -> tuple[str, list[str]]:
    """A value in a few words, and the nested list of its parts."""
    if isinstance(fields, str):
        types, note = parse(fields)
        return " or ".join(types) + (f" — {note}" if note else ""), []
    if isinstance(fields, list):
        text, parts = describe(fields[0])
        return "list of " + ("objects" if text == "object" else text), parts
    if isinstance(fields, tuple):
        return _alternatives(fields)
    key = wildcard(fields)
    if key:
        text, parts = describe(fields[key])
        return f"object of `{key}`: {text}", parts
    return "object", [line for name, value in fields.items() for line in _item(name, value)]


def _alternatives(fields: tuple[Fields, ...]) -> tuple[str, list[str]]:
    described = [describe(f) for f in fields]
    if sum(bool(parts) for _, parts in described) < 2:
        return " or ".join(text for text, _ in described), [
            line for _, parts in described for line in parts]
    return "one of these", [line for text, parts in described
                            for line in [f"- {_a(text)}:", *("  " + p for p in parts)]]


def _item(key: str, fields: Fields) -> list[str]:
    text, parts = describe(fields)
    absent = " (may be absent)" if key.endswith("?") else ""
    return [f"- `{key.removesuffix('?')}`{absent}: {text}", *("  " + p for p in parts)]


def _a(text: str) -> str:
    article = "" if text.startswith("one of") else "an " if text[0] in "aeiou" else "a "
    return article + text


def section(title: str, shape: Shape, level: int = 2) -> list[str]:
    text, parts = describe(shape.fields)
    lines = ["#" * level + f" {title}", "", shape.about, "",
             f"Prints {_a(text)}{':' if parts else '.'}"]
    return [*lines, *(["", *parts] if parts else []), ""]


def reference() -> str:
    parts = [HEADER]
    for path, command in json_commands():
        parts += section(" ".join(("needle", *path)), declared(path, command))
    others = [kind for kind in kinds.KINDS.values() if not kind.options]
    if others:
        parts += ["## Query kinds without a command", "",
                  "Results of the query kinds that the library runs (for experiments, goals,\n"
                  "themes...) but `needle query` has no command for.", ""]
        for kind in others:
            parts += section(f"Query kind {kind.name}", kind_shape(kind), level=3)
    return "\n".join(parts)


if __name__ == "__main__":
    print(reference(), end="")
