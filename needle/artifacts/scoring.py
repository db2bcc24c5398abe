"""Scoring bets: RICE, ICE or weighted criteria, with defaults taken from the data.

Reach defaults to the problem's computed reach and Confidence to the strength of its evidence;
an override is kept only with a reason, and every score carries a sentence saying why.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from needle.artifacts.models import Artifact
from needle.artifacts.problems import Reach, Strength
from needle.errors import UserError

METHODS = ("rice", "ice", "weighted")


@dataclass(frozen=True)
class Score:
    bet: int
    title: str
    problem: int | None
    method: str
    value: float
    why: str
    inputs: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


RICE_IMPACT = (0.25, 0.5, 1.0, 2.0, 3.0)
MAX_REACH = 1e10  # more people than live on Earth: a typo, not a reach
MIN_EFFORT = 0.001  # person-weeks (about two minutes); less makes RICE overflow


def check_inputs(fields: dict[str, Any]) -> None:
    """Refuse a bet whose score would be absurd, before it is stored: overrides of computed
    inputs need a reason, every number is finite and on its method's scale, and a weighted bet
    has criteria with weights that add up to more than zero."""
    for name in ("reach", "confidence"):
        if fields.get(name) is not None and not fields.get(f"{name}_reason"):
            raise UserError(f"overriding {name} needs a reason", field=f"{name}_reason")
    method = fields.get("method") or "rice"
    if method not in METHODS:
        raise UserError(f"scoring method {method!r}: use one of {', '.join(METHODS)}",
                        field="method", value=method)
    for name, (low, high, scale) in _SCALES[method].items():
        if fields.get(name) is not None:
            _in_scale(name, fields[name], low, high, scale)
    if method == "rice" and fields.get("impact") is not None and (
            (impact := _finite("impact", fields["impact"])) not in RICE_IMPACT):
        raise UserError(f"impact {impact:g}: RICE impact is one of 0.25, 0.5, 1, 2 or 3",
                        field="impact", value=fields["impact"])
    if method == "weighted":
        _check_criteria(fields.get("criteria"))


def _finite(name: str, value: Any, field: str | None = None) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        raise UserError(f"{name} {value!r}: it must be a finite number", field=field or name,
                        value=value)
    return number


def _in_scale(name: str, value: Any, low: float, high: float, scale: str,
              field: str | None = None) -> None:
    number = _finite(name, value, field)
    if not low <= number <= high:
        raise UserError(f"{name} {number:g}: it must be {scale}", field=field or name,
                        value=value)


_SCALES: dict[str, dict[str, tuple[float, float, str]]] = {
    "rice": {"reach": (0, MAX_REACH, f"a number of people from 0 to {MAX_REACH:g}"),
             "confidence": (0, 1, "a share from 0 to 1 (0.8 for 80%)"),
             "effort": (MIN_EFFORT, math.inf, f"person-weeks, at least {MIN_EFFORT:g}")},
    "ice": {n: (1, 10, "from 1 to 10") for n in ("impact", "confidence", "ease")},
    "weighted": {},
}


def _check_criteria(criteria: Any) -> None:
    if not criteria or not isinstance(criteria, dict):
        raise UserError("a weighted bet needs criteria, each NAME=WEIGHT:SCORE",
                        field="criteria")
    for name, criterion in criteria.items():
        given = criterion if isinstance(criterion, dict) else {}
        _in_scale(f"criterion {name!r}: weight", given.get("weight"), 0, math.inf,
                  "zero or more", "criteria")
        _finite(f"criterion {name!r}: score", given.get("score"), "criteria")
    if sum(float(c["weight"]) for c in criteria.values()) <= 0:
        raise UserError("a weighted bet needs a criterion with a weight above zero",
                        field="criteria")


def score(bet: Artifact, reach: Reach, strength: Strength) -> Score:
    f = bet.fields
    method = f.get("method") or "rice"
    value, why, inputs = _SCORERS[method](f, reach, strength)
    return Score(bet.id, bet.title, f.get("problem"), method, round(value, 3), why, inputs)


def _number(fields: dict[str, Any], name: str, default: float) -> float:
    value = fields.get(name)
    return default if value is None else float(value)


def _confidence_text(fields: dict[str, Any], strength: Strength) -> str:
    if fields.get("confidence") is not None:
        return f"confidence set by hand ({fields['confidence_reason']})"
    return f"confidence from {strength.describe()}"


def _rice(f: dict[str, Any], reach: Reach, strength: Strength) -> tuple[float, str, dict]:
    r = _number(f, "reach", reach.total)
    impact, effort = _number(f, "impact", 1.0), _number(f, "effort", 1.0)
    conf = _number(f, "confidence", strength.rice_confidence)
    if effort <= 0:
        raise UserError(f"bet {f.get('title', '')!r}: effort must be above zero")
    value = r * impact * conf / effort
    reach_text = (f"reach set by hand ({f['reach_reason']})" if f.get("reach") is not None
                  else f"reach computed: {'; '.join(reach.sources)}")
    why = (f"RICE = {r:g} reach * {impact:g} impact * {conf:.0%} confidence / {effort:g} "
           f"effort = {value:.1f}; {reach_text}; {_confidence_text(f, strength)}")
    return value, why, {"reach": r, "impact": impact, "confidence": conf, "effort": effort}


def _ice(f: dict[str, Any], reach: Reach, strength: Strength) -> tuple[float, str, dict]:
    impact, ease = _number(f, "impact", 5.0), _number(f, "ease", 5.0)
    conf = _number(f, "confidence", strength.ice_confidence)
    value = impact * conf * ease
    why = (f"ICE = {impact:g} impact * {conf:g} confidence * {ease:g} ease = {value:g}; "
           f"{_confidence_text(f, strength)}")
    return value, why, {"impact": impact, "confidence": conf, "ease": ease}


def _weighted(f: dict[str, Any], reach: Reach, strength: Strength) -> tuple[float, str, dict]:
    criteria: dict[str, dict[str, float]] = f.get("criteria") or {}
    total = sum(c["weight"] for c in criteria.values())
    if not criteria or total <= 0:
        raise UserError("a weighted bet needs criteria, each NAME=WEIGHT:SCORE", field="criteria")
    value = sum(c["weight"] * c["score"] for c in criteria.values()) / total
    parts = ", ".join(f"{n} {c['score']:g} (weight {c['weight']:g})" for n, c in criteria.items())
    return value, f"weighted = {value:.2f} from {parts}", {"criteria": criteria}


_SCORERS = {"rice": _rice, "ice": _ice, "weighted": _weighted}


def parse_criterion(text: str) -> tuple[str, dict[str, float]]:
    """``NAME=WEIGHT:SCORE`` as typed on the command line."""
    name, _, rest = text.partition("=")
    weight, _, value = rest.partition(":")
    try:
        if not name.strip():
            raise ValueError
        return name.strip(), {"weight": float(weight), "score": float(value)}
    except ValueError:
        raise UserError(f"criterion {text!r}: write NAME=WEIGHT:SCORE, e.g. revenue=3:8",
                        field="criteria", value=text) from None


def parse_criteria(texts: list[str]) -> dict[str, dict[str, float]]:
    """Several criteria; a name given twice is refused rather than one silently kept."""
    criteria: dict[str, dict[str, float]] = {}
    for text in texts:
        name, criterion = parse_criterion(text)
        if name in criteria:
            raise UserError(f"criterion {name!r} is given twice; give each criterion once",
                            field="criteria", value=text)
        criteria[name] = criterion
    return criteria


def ranked_json(scores: list[Score]) -> list[dict[str, Any]]:
    """Ranked scores as JSON, each with its ``rank`` from 1."""
    return [s.to_json() | {"rank": i} for i, s in enumerate(scores, 1)]


def rank(scores: list[Score]) -> list[Score]:
    """Highest first within each method; scores of different methods are not comparable."""
    return sorted(scores, key=lambda s: (METHODS.index(s.method), -s.value, s.bet))
