"""Specs to JSON-able dicts and back, so saved insights survive any store and any engine."""

from __future__ import annotations

import dataclasses
import types
from datetime import date
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from needle.analytics import kinds
from needle.analytics.specs import Query


def kind_of(query: Query) -> str:
    return kinds.of(query).name


def encode(value: Any) -> Any:
    """Dataclasses become dicts, tuples lists, dates ISO strings."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [encode(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def decode(kind: str, data: dict[str, Any]) -> Query:
    return _decode(kinds.get(kind).spec, data)  # type: ignore[no-any-return]


def _decode(hint: Any, value: Any) -> Any:
    """Rebuild a value from its type hint; only the shapes specs use are handled."""
    origin = get_origin(hint)
    if value is None:
        return None
    if origin in (Union, types.UnionType):
        return _decode(next(a for a in get_args(hint) if a is not type(None)), value)
    if origin is tuple:
        return tuple(_decode(get_args(hint)[0], v) for v in value)
    if hint is date:
        return date.fromisoformat(value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = get_type_hints(hint)
        return hint(**{k: _decode(hints[k], v) for k, v in value.items()})
    if origin is Literal or hint in (str, int, float, bool):
        return value
    return value
