"""Feature flags: definitions and their evaluation, exactly as PostHog evaluates them.

A person's answer depends only on the flag and their ``distinct_id`` (and, with conditions, their
properties), never on a stored assignment, so a team that moves from PostHog keeps every user in
the variant PostHog gave them. PostHog's hashing: the SHA-1 of ``"{key}.{distinct_id}{salt}"``,
its first 15 hex digits over ``0xFFFFFFFFFFFFFFF``, a number in [0, 1]. With salt ``""`` it
decides the rollout (in when it is at most the rollout share); with salt ``"variant"`` it picks
the variant whose cumulative share range holds it.

Pure: no I/O. :mod:`~needle.capture.flag_store` keeps flags, :mod:`~needle.capture.flag_api`
answers the SDKs.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from needle.errors import UserError

LONG_SCALE = float(0xFFFFFFFFFFFFFFF)
KEY = re.compile(r"^[A-Za-z0-9_-]{1,400}$")  # PostHog's rule for flag and variant keys

Operator = Literal["exact", "is_not", "icontains", "gt", "gte", "lt", "lte", "is_set",
                   "is_not_set"]
# The text form of each operator (``person.plan=pro``), longest first so ``>=`` beats ``>``.
OPERATORS: dict[str, Operator] = {
    "!?": "is_not_set", "!=": "is_not", ">=": "gte", "<=": "lte", "=": "exact", ">": "gt",
    "<": "lt", "~": "icontains", "?": "is_set"}
SYMBOLS: dict[Operator, str] = {op: text for text, op in OPERATORS.items()}
_CONDITION = re.compile(r"^person\.([^=!<>~?]+?)\s*(!\?|!=|>=|<=|=|>|<|~|\?)\s*(.*)$")
_NUMERIC = frozenset({"gt", "gte", "lt", "lte"})

Reason = Literal["condition_match", "no_condition_match", "out_of_rollout_bound"]
REASONS: dict[Reason, str] = {
    "condition_match": "Matched condition set 1",
    "no_condition_match": "No matching condition set",
    "out_of_rollout_bound": "Out of rollout bound",
}


@dataclass(frozen=True)
class Variant:
    """One arm of a multivariate flag and its share of the people in the rollout, in percent."""

    key: str
    percent: float


@dataclass(frozen=True)
class Condition:
    """A person property test, PostHog's operators; string tests ignore case."""

    property: str
    operator: Operator
    value: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"property": self.property, "operator": self.operator, "value": self.value}

    def __str__(self) -> str:
        return f"person.{self.property}{SYMBOLS[self.operator]}{self.value or ''}"


@dataclass(frozen=True)
class FlagSpec:
    """What a flag is: who is in (conditions, all must hold; then the rollout share) and, for a
    multivariate flag, how the people in are split. A flag without variants answers true."""

    key: str
    variants: tuple[Variant, ...] = ()
    rollout: float = 100.0
    conditions: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class Flag:
    """A stored flag: its definition and bookkeeping (``version`` grows with every change)."""

    spec: FlagSpec
    id: int
    version: int
    author: str
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None = None

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def active(self) -> bool:
        return self.archived_at is None

    def to_json(self) -> dict[str, Any]:
        spec = self.spec
        return {
            "key": spec.key, "id": self.id, "active": self.active,
            "variants": [{"key": v.key, "percent": v.percent} for v in spec.variants],
            "rollout": spec.rollout, "conditions": [c.to_json() for c in spec.conditions],
            "version": self.version, "author": self.author,
            "created_at": self.created_at.isoformat(), "updated_at": self.updated_at.isoformat(),
            "archived_at": self.archived_at.isoformat() if self.archived_at else None,
        }


@dataclass(frozen=True)
class Evaluation:
    """One flag's answer for one person: ``value`` is the variant, or whether the flag is on."""

    key: str
    enabled: bool
    variant: str | None
    reason: Reason
    condition_index: int | None = field(default=None)

    @property
    def value(self) -> bool | str:
        return self.variant if self.variant is not None else self.enabled

    @property
    def description(self) -> str:
        return REASONS[self.reason]


# Text forms, shared by every face.
def parse_variants(values: Sequence[str]) -> tuple[Variant, ...]:
    """``KEY=PERCENT`` texts (``control=50``) as variants, in the order given."""
    out = []
    for text in values:
        key, sep, share = text.partition("=")
        try:
            percent = float(share)
        except ValueError:
            percent = math.nan
        if not sep or not key.strip() or not 0 <= percent <= 100:
            raise UserError(f"variant {text!r}: write it as KEY=PERCENT with a percent from 0 to "
                            "100", field="variant", value=text)
        out.append(Variant(key.strip(), percent))
    return tuple(out)


def parse_condition(text: str) -> Condition:
    """``person.PROPERTY`` then ``=`` (equals, any case), ``!=``, ``~`` (contains), ``>``,
    ``>=``, ``<``, ``<=`` and a value, or ``?`` (set) / ``!?`` (not set) alone."""
    match = _CONDITION.match(text.strip())
    if not match:
        raise UserError(f"condition {text!r}: write person.PROPERTY=VALUE (or != ~ > >= < <= "
                        "with a value, ? or !? without); flags test person properties",
                        field="where", value=text)
    name, symbol, value = match.group(1).strip(), match.group(2), match.group(3).strip()
    operator = OPERATORS[symbol]
    if operator in ("is_set", "is_not_set"):
        if value:
            raise UserError(f"condition {text!r}: {symbol!r} takes no value", field="where",
                            value=text)
        return Condition(name, operator)
    if operator in _NUMERIC and _number(value) is None:
        raise UserError(f"condition {text!r}: {symbol!r} compares numbers; {value!r} is not one",
                        field="where", value=text)
    return Condition(name, operator, value)


def validate(spec: FlagSpec) -> None:
    """Refuse a flag PostHog would refuse, before anything is stored."""
    if not KEY.match(spec.key):
        raise UserError(f"flag key {spec.key!r}: use letters, digits, '-' and '_' only",
                        field="key", value=spec.key)
    if not 0 <= spec.rollout <= 100:
        raise UserError(f"flag {spec.key!r}: the rollout is a percent from 0 to 100",
                        field="rollout", value=spec.rollout)
    if not spec.variants:
        return
    keys = [v.key for v in spec.variants]
    bad = [k for k in keys if not KEY.match(k)]
    if bad:
        raise UserError(f"flag {spec.key!r}: variant keys {bad} may use letters, digits, '-' and "
                        "'_' only", field="variant", value=bad)
    if len(keys) < 2 or len(set(keys)) != len(keys):
        raise UserError(f"flag {spec.key!r}: a multivariate flag needs at least two variants, "
                        f"each once (got {keys})", field="variant", value=keys)
    total = math.fsum(v.percent for v in spec.variants)
    if not math.isclose(total, 100, abs_tol=1e-9):
        raise UserError(f"flag {spec.key!r}: variant percents add up to {total:g}, not 100",
                        field="variant", value=keys)


# PostHog's evaluation.
def bucket(key: str, distinct_id: str, salt: str = "") -> float:
    """PostHog's hash of a person for a flag: a number in [0, 1], the same on every server."""
    digest = hashlib.sha1(f"{key}.{distinct_id}{salt}".encode()).hexdigest()
    return int(digest[:15], 16) / LONG_SCALE


def variant_of(spec: FlagSpec, distinct_id: str) -> str | None:
    """The variant whose cumulative share range ``[low, high)`` holds the person's hash."""
    value = bucket(spec.key, distinct_id, "variant")
    low = 0.0
    for variant in spec.variants:
        high = low + variant.percent / 100
        if low <= value < high:
            return variant.key
        low = high
    return None


def evaluate(spec: FlagSpec, distinct_id: str,
             properties: Mapping[str, Any] | None = None) -> Evaluation:
    """The flag's answer for a person with ``properties`` (a missing property fails its test,
    except "not set")."""
    props = properties or {}
    if not all(matches(c, props) for c in spec.conditions):
        return Evaluation(spec.key, False, None, "no_condition_match")
    if bucket(spec.key, distinct_id) > spec.rollout / 100:
        return Evaluation(spec.key, False, None, "out_of_rollout_bound", 0)
    variant = variant_of(spec, distinct_id) if spec.variants else None
    return Evaluation(spec.key, True, variant, "condition_match", 0)


def matches(condition: Condition, properties: Mapping[str, Any]) -> bool:
    """Whether a person's properties pass one condition, by PostHog's rules."""
    if condition.property not in properties:
        return condition.operator == "is_not_set"
    if condition.operator in ("is_set", "is_not_set"):
        return condition.operator == "is_set"
    have, want = properties[condition.property], condition.value or ""
    if condition.operator in _NUMERIC:
        return _compare(condition.operator, _number(have), _number(want))
    if have is None:
        return condition.operator == "is_not"
    text = _text(have).lower()
    if condition.operator == "icontains":
        return want.lower() in text
    return (text == want.lower()) == (condition.operator == "exact")


def _compare(operator: Operator, have: float | None, want: float | None) -> bool:
    if have is None or want is None:
        return False
    return {"gt": have > want, "gte": have >= want, "lt": have < want,
            "lte": have <= want}[operator]


def _text(value: Any) -> str:
    """A property value as PostHog compares it: JSON's ``true``, ``3`` for ``3.0``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None
