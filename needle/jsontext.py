"""The JSON text every face prints: the CLI's ``--json`` and the web's ``.json`` twins are the
same document for the same data.

Dates become ISO strings, objects with ``to_json()`` their JSON, and a number JSON cannot hold
(NaN, ±Infinity) becomes ``null``, so the text is always valid JSON. Characters a terminal
would act on (C1 controls, bidi overrides) are written as ``\\uXXXX``: the same string to a
JSON reader, harmless on a screen.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime
from typing import Any


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "to_json"):
        return _finite(value.to_json())
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def _finite(value: Any) -> Any:
    """``value`` with every non-finite float replaced by ``None``."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


# What JSON leaves raw (it escapes C0 itself) but a terminal would act on.
_TERMINAL = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def dumps(data: Any, indent: int | None = 2) -> str:
    text = json.dumps(_finite(data), default=_default, indent=indent, ensure_ascii=False,
                      allow_nan=False)
    return _TERMINAL.sub(lambda m: f"\\u{ord(m[0]):04x}", text)
