"""Scoring bets: RICE, ICE or weighted criteria, with defaults taken from the data.

Reach defaults to the problem's computed reach and Confidence to the strength of its evidence;
an override is kept only with a reason, and every score carries a sentence saying why.
"""

from __future__ import annotations

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


def check_overrides(fields: dict[str, Any]) -> None:
    """An override of a computed input must say why; RICE divides by a positive effort."""
    for name in ("reach", "confidence"):
        if fields.get(name) is not None and not fields.get(f"{name}_reason"):
            raise UserError(f"overriding {name} needs a reason", field=f"{name}_reason")
    if fields.get("method", "rice") not in METHODS:
        raise UserError(f"scoring method {fields['method']!r}: use one of {', '.join(METHODS)}",
                        field="method", value=fields["method"])
    if fields.get("effort") is not None and float(fields["effort"]) <= 0:
        raise UserError(f"effort {fields['effort']:g}: it must be above zero", field="effort",
                        value=fields["effort"])


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
        return name.strip(), {"weight": float(weight), "score": float(value)}
    except ValueError:
        raise UserError(f"criterion {text!r}: write NAME=WEIGHT:SCORE, e.g. revenue=3:8",
                        field="criteria", value=text) from None


def ranked_json(scores: list[Score]) -> list[dict[str, Any]]:
    """Ranked scores as JSON, each with its ``rank`` from 1."""
    return [s.to_json() | {"rank": i} for i, s in enumerate(scores, 1)]


def rank(scores: list[Score]) -> list[Score]:
    """Highest first within each method; scores of different methods are not comparable."""
    return sorted(scores, key=lambda s: (METHODS.index(s.method), -s.value, s.bet))
