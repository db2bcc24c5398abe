"""The JSON shape of each ``--json`` output, declared next to the code that prints it.

A shape is plain data, so library classes can hold one (``JSON_SHAPE``) without importing this:

- a string is a value: types joined by ``|`` from :data:`TYPES`, then optionally ``": note"``,
  e.g. ``"float|null: share of the first step"``;
- a dict is an object with exactly those keys; a key ending in ``?`` may be absent, and a single
  key in angle brackets (``"<event>"``) stands for any key, all values of one shape;
- a one-item list is a list of that shape; a tuple is one of its alternatives.

Query results carry ``JSON_SHAPE`` (:mod:`needle.analytics.results`); every other command with
``--json`` declares what it prints with :func:`json_shape`. ``docs/json.md`` is generated from
both (:mod:`needle.cli.json_reference`) and tests check real outputs against them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol, TypeVar, Union

from needle.jsontext import dumps

Fields = Union[str, dict[str, "Fields"], list["Fields"], tuple["Fields", ...]]  # noqa: UP007
F = TypeVar("F", bound=Callable[..., Any])


def _is_iso(parse: Callable[[str], Any], value: Any, length: int) -> bool:
    try:
        return isinstance(value, str) and len(value) >= length and bool(parse(value))
    except ValueError:
        return False


TYPES: dict[str, Callable[[Any], bool]] = {
    "str": lambda v: isinstance(v, str),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "bool": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "date": lambda v: _is_iso(date.fromisoformat, v, 10),
    "datetime": lambda v: _is_iso(datetime.fromisoformat, v, 11),
    "object": lambda v: isinstance(v, dict),
    "any": lambda v: True,
}


class Command(Protocol):
    """A click command as Typer builds it (Typer vendors click, privately)."""

    params: list[Any]
    callback: Callable[..., Any] | None


@dataclass(frozen=True)
class Shape:
    """What one command prints with ``--json``: a line saying what it is, and its fields."""

    about: str
    fields: Fields


def json_shape(about: str, fields: Fields) -> Callable[[F], F]:
    """Declare the JSON a command function prints; put it under ``@app.command()``."""

    def declare(function: F) -> F:
        function.json_shape = Shape(about, check(fields))  # type: ignore[attr-defined]
        return function

    return declare


def shape_of(command: Command) -> Shape | None:
    """The shape declared on a click command's function (Typer copies it onto its wrapper)."""
    return getattr(command.callback, "json_shape", None)


def has_json(command: Command) -> bool:
    return any("--json" in getattr(p, "opts", ()) for p in command.params)


def result_fields(result: type) -> Fields | None:
    """A query result class's ``JSON_SHAPE``, checked; ``None`` when it declares none."""
    fields = getattr(result, "JSON_SHAPE", None)
    return None if fields is None else check(fields)


def parse(value: str) -> tuple[list[str], str]:
    """The types and the note of a value's string."""
    types, _, note = value.partition(":")
    return types.strip().split("|"), note.strip()


def wildcard(fields: dict[str, Any]) -> str | None:
    """The ``<key>`` standing for any key, if that is what the object has."""
    key = next(iter(fields), "")
    return key if len(fields) == 1 and key.startswith("<") and key.endswith(">") else None


def check(fields: Fields) -> Fields:
    """Return ``fields`` if it is a well-formed shape; raise ``ValueError`` otherwise."""
    if isinstance(fields, str):
        unknown = [t for t in parse(fields)[0] if t not in TYPES]
        if unknown:
            raise ValueError(f"unknown JSON type {unknown[0]!r} in {fields!r}; use {list(TYPES)}")
    elif isinstance(fields, list) and len(fields) != 1:
        raise ValueError(f"a list shape has one item, the shape of every element: {fields!r}")
    elif isinstance(fields, dict) and any("<" in k for k in fields) and not wildcard(fields):
        raise ValueError(f"an object with a <key> has no other key: {list(fields)}")
    elif not isinstance(fields, list | dict | tuple):
        raise ValueError(f"not a shape: {fields!r}")
    if not isinstance(fields, str):
        for child in fields.values() if isinstance(fields, dict) else fields:
            check(child)
    return fields


def as_json(value: Any) -> Any:
    """``value`` as ``--json`` prints it, decoded again: what a shape describes."""
    return json.loads(dumps(value))


def mismatches(value: Any, fields: Fields, at: str = "$") -> list[str]:
    """Where decoded JSON ``value`` differs from ``fields``; empty when it conforms."""
    if isinstance(fields, tuple):
        found = [mismatches(value, alternative, at) for alternative in fields]
        return [] if [] in found else min(found, key=len)
    if isinstance(fields, str):
        types = parse(fields)[0]
        ok = any(TYPES[t](value) for t in types)
        return [] if ok else [f"{at}: {value!r} is not {'|'.join(types)}"]
    if isinstance(fields, list):
        if not isinstance(value, list):
            return [f"{at}: {value!r} is not a list"]
        return [m for i, v in enumerate(value) for m in mismatches(v, fields[0], f"{at}[{i}]")]
    if not isinstance(value, dict):
        return [f"{at}: {value!r} is not an object"]
    return _object_mismatches(value, fields, at)


def _object_mismatches(value: dict[str, Any], fields: dict[str, Fields], at: str) -> list[str]:
    any_key = wildcard(fields)
    if any_key:
        return [m for k, v in value.items() for m in mismatches(v, fields[any_key], f"{at}.{k}")]
    declared = {k.removesuffix("?"): v for k, v in fields.items()}
    required = {k for k in fields if not k.endswith("?")}
    found = [f"{at}: no {k!r}" for k in sorted(required - value.keys())]
    found += [f"{at}: {k!r} is not declared" for k in sorted(value.keys() - declared.keys())]
    return found + [m for k, v in value.items() if k in declared
                    for m in mismatches(v, declared[k], f"{at}.{k}")]
