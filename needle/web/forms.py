"""Forms over the library: each field declared once (its label, its input, how its text becomes
a value and how a value is shown again), read from a posted form, and a library error placed
next to the field it names.

The web app types what people write here, as Typer does for the CLI's options; everything else
(what is required, which values are allowed, the wording of a refusal) is the library's.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from needle.artifacts.scoring import parse_criteria
from needle.errors import UserError

Parse = Callable[[str, str], Any]  # (field name, text) -> value; raises UserError
# No store keeps a whole number (an id among them) beyond 64 bits; a larger one names nothing.
LARGEST = 2**63 - 1


def _text(name: str, text: str) -> str | None:
    return text.strip() or None


def _number(name: str, text: str) -> float | None:
    if not text.strip():
        return None
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):  # "nan" and "inf" are floats to Python, not to people
        raise UserError(f"{name} {text!r} is not a number", field=name, value=text)
    return number


def whole_number(name: str, text: str, field: str | None = None) -> int:
    """``text`` as an integer, or a one-line error naming ``field`` (by default ``name``)."""
    try:
        number = int(text)
    except ValueError:
        raise UserError(f"{name} {text!r}: write a whole number", field=field or name,
                        value=text) from None
    if abs(number) > LARGEST:
        raise UserError(f"{name} {text!r}: write a whole number of at most 18 digits",
                        field=field or name, value=text)
    return number


def _whole(name: str, text: str) -> int | None:
    return None if not text.strip() else whole_number(name, text)


def _lines(name: str, text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _ids(name: str, text: str) -> list[int]:
    words = [w for w in re.split(r"[\s,]+", text) if w]
    try:
        return [whole_number(name, w) for w in words]
    except UserError:
        raise UserError(f"{name} {text!r}: write ids as numbers, e.g. 12, 15", field=name,
                        value=text) from None


def _criteria(name: str, text: str) -> dict[str, dict[str, float]] | None:
    return parse_criteria(_lines(name, text)) or None


def _show_lines(value: Any) -> str:
    return "\n".join(str(v) for v in value or [])


def _show_criteria(value: Any) -> str:
    return "\n".join(f"{n}={c['weight']:g}:{c['score']:g}" for n, c in (value or {}).items())


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class Input:
    """How one kind of input reads text into a value and shows a value as text again."""

    parse: Parse
    show: Callable[[Any], str] = _show
    multiple: bool = False  # several values under one name (checkboxes)


INPUTS: dict[str, Input] = {
    "text": Input(_text), "textarea": Input(_text), "select": Input(_text),
    "artifact": Input(_whole),  # a select whose values are the ids of stored artifacts
    "date": Input(_text), "number": Input(_number), "whole": Input(_whole),
    "lines": Input(_lines, _show_lines), "criteria": Input(_criteria, _show_criteria),
    "ids": Input(_ids, lambda v: ", ".join(str(i) for i in v or [])),
    "evidence": Input(_ids, multiple=True),
}


@dataclass(frozen=True)
class Field:
    name: str  # the form field and, unless the form says otherwise, the library's field
    label: str
    input: str = "text"
    help: str = ""
    choices: tuple[str, ...] = ()  # a select's fixed choices (others come with the page)
    required: str = ""  # when the field must be given: what to say when it is not
    default: str = ""


@dataclass(frozen=True)
class Form:
    """The fields of one form, and which form field a library error about another name
    belongs next to (``aliases``: library field -> form field)."""

    title: str
    fields: tuple[Field, ...]
    aliases: Mapping[str, str] = field(default_factory=dict)

    def read(self, form: Any) -> dict[str, Any]:
        """Each field's value (``None`` or empty when not given); a bad value raises."""
        values: dict[str, Any] = {}
        for f in self.fields:
            kind = INPUTS[f.input]
            if kind.multiple:
                values[f.name] = kind.parse(f.name, " ".join(form.getlist(f.name)))
                continue
            values[f.name] = kind.parse(f.name, str(form.get(f.name) or ""))
            if f.required and values[f.name] is None:
                raise UserError(f.required, field=f.name)
        return values

    def texts(self, form: Any) -> dict[str, Any]:
        """What was typed, to show again with an error (checkbox values as lists)."""
        return {f.name: form.getlist(f.name) if INPUTS[f.input].multiple
                else str(form.get(f.name) or "") for f in self.fields}

    def shown(self, values: Mapping[str, Any]) -> dict[str, str]:
        """Stored values as the form shows them (an edit form starts from these)."""
        return {f.name: INPUTS[f.input].show(values.get(f.name)) for f in self.fields}

    def place(self, error: UserError) -> dict[str, str]:
        """The error keyed by the field it belongs next to; ``""`` for the form as a whole."""
        name = self.aliases.get(error.field or "", error.field or "")
        known = {f.name for f in self.fields}
        return {name if name in known else "": str(error)}

    def changes(self, values: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
        """The fields whose value differs from ``current``; a cleared text becomes empty text
        (a cleared number cannot be told from one not given, so it is left as it is)."""
        found = {}
        for f in self.fields:
            new, old = values.get(f.name), current.get(f.name)
            unclearable = new is None and f.input not in ("text", "textarea")
            if (_blank(new) and _blank(old)) or new == old or unclearable:
                continue
            found[f.name] = "" if new is None else new
        return found


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}
