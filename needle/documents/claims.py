"""Claims: every number a portfolio, resume or conversation plan shows, with how to get it again.

``source`` says where ``sql`` runs: ``events`` (the lake's ``events`` view, which
``needle query sql`` reads) or ``store`` (the artifacts store); ``derived`` numbers are computed
by ``method`` from the claims named in ``derived_from``. ``column`` names the result column
holding the value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from needle.artifacts.compare import CONFIDENCE
from needle.artifacts.metrics import parse_metric
from needle.artifacts.models import Artifact
from needle.artifacts.problems import evidence_count_sql


@dataclass(frozen=True)
class Claim:
    id: str
    artifact: str
    label: str
    value: float
    display: str
    source: str
    sql: str | None = None
    column: str = "value"
    derived_from: tuple[str, ...] = ()
    method: str | None = None


def scale(metric_spec: str) -> tuple[float, str]:
    return (100, " pts") if parse_metric(metric_spec).unit == "rate" else (1, "")


def interval(metric_spec: str, result: dict[str, Any]) -> str:
    factor, unit = scale(metric_spec)
    return (f"{CONFIDENCE:.0%} CI {result['low'] * factor:+.1f} to "
            f"{result['high'] * factor:+.1f}{unit}")


def ship_claims(ship: Artifact, view: dict[str, Any]) -> list[Claim]:
    """Before and after (values and users, from the lake) and the interval's ends."""
    result, name, key = ship.fields["result"], f"ship {ship.id}", f"ship-{ship.id}"
    found = []
    for side in ("before", "after"):
        m = result[side]
        found.append(Claim(f"{key}-{side}", name, f"{result['label']} {side}", m["value"],
                           view[f"{side}_text"], "events", m["sql"]))
        found.append(Claim(f"{key}-{side}-n", name, f"users {side}", m["n"], str(m["n"]),
                           "events", m["sql"], column="n"))
    factor, _ = scale(result["metric"])
    for bound in ("low", "high"):
        found.append(Claim(f"{key}-{bound}", name, f"{bound} end of the interval",
                           result[bound], f"{result[bound] * factor:+.1f}", "derived",
                           derived_from=(f"{key}-before", f"{key}-before-n", f"{key}-after",
                                         f"{key}-after-n"), method=result["method"]))
    return found


def problem_claims(view: dict[str, Any]) -> list[Claim]:
    """A problem's reach (from the lake) and its pieces of evidence (from the store)."""
    name, key = f"problem {view['id']}", f"problem-{view['id']}"
    return [Claim(f"{key}-reach", name, "reach", view["reach"]["total"],
                  str(view["reach"]["total"]), "events", view["reach"]["sql"]),
            Claim(f"{key}-evidence", name, "pieces of evidence", view["evidence_count"],
                  str(view["evidence_count"]), "store", evidence_count_sql(view["id"]))]


def cited_claim(artifact: Artifact) -> Claim:
    """How many pieces of evidence an artifact cites directly (a synthesis, a guide)."""
    sql = ("SELECT count(*) AS value FROM artifact_links WHERE artifact_id = "
           f"{int(artifact.id)} AND kind = 'evidence'")
    count = sum(1 for link in artifact.links if link.kind == "evidence")
    return Claim(f"{artifact.kind}-{artifact.id}-evidence", f"{artifact.kind} {artifact.id}",
                 "pieces of evidence cited", count, str(count), "store", sql)
