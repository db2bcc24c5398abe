"""The portfolio: a static site and a PDF of shipped outcomes, failures, problems and teardowns.

Each number on it is a claim in ``claims.json`` with the SQL (over the ``events`` view) that
produces it, so anyone can re-run what the portfolio says.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from needle.analytics.engine import Engine
from needle.artifacts import store, views
from needle.artifacts.compare import CONFIDENCE
from needle.artifacts.links import Link, describe
from needle.artifacts.metrics import parse_metric
from needle.artifacts.models import Artifact
from needle.artifacts.problems import evidence_count_sql
from needle.documents import render
from needle.documents.artifacts import markdown_for


@dataclass(frozen=True)
class Claim:
    """One number the portfolio shows, and how to get it again.

    ``source`` says where ``sql`` runs: ``events`` (the lake's ``events`` view, which
    ``needle query sql`` reads) or
    ``store`` (the artifacts store); ``derived`` numbers are computed by ``method`` from the
    claims named in ``derived_from``. ``column`` names the result column holding the value."""

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


@dataclass
class Portfolio:
    out: Path
    pages: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"out": str(self.out), "pages": self.pages, "bullets": self.bullets,
                "claims": [asdict(c) for c in self.claims]}

    def claim(self, claim: Claim) -> None:
        if all(c.id != claim.id for c in self.claims):
            self.claims.append(claim)


def page_name(artifact: Artifact) -> str:
    return f"{artifact.kind}-{artifact.id}.html"


def _scale(metric_spec: str) -> tuple[float, str]:
    return (100, " pts") if parse_metric(metric_spec).unit == "rate" else (1, "")


def _interval(metric_spec: str, result: dict[str, Any]) -> str:
    scale, unit = _scale(metric_spec)
    return (f"{CONFIDENCE:.0%} CI {result['low'] * scale:+.1f} to "
            f"{result['high'] * scale:+.1f}{unit}")


def _ship_claims(ship: Artifact, view: dict[str, Any], book: Portfolio) -> None:
    result, name, key = ship.fields["result"], f"ship {ship.id}", f"ship-{ship.id}"
    for side in ("before", "after"):
        m = result[side]
        book.claim(Claim(f"{key}-{side}", name, f"{result['label']} {side}", m["value"],
                         view[f"{side}_text"], "events", m["sql"]))
        book.claim(Claim(f"{key}-{side}-n", name, f"users {side}", m["n"], str(m["n"]),
                         "events", m["sql"], column="n"))
    scale, _ = _scale(result["metric"])
    for bound in ("low", "high"):
        book.claim(Claim(f"{key}-{bound}", name, f"{bound} end of the interval", result[bound],
                         f"{result[bound] * scale:+.1f}", "derived",
                         derived_from=(f"{key}-before", f"{key}-before-n", f"{key}-after",
                                       f"{key}-after-n"), method=result["method"]))


def _ship_entry(session: Session, engine: Engine, ship: Artifact,
                book: Portfolio) -> dict[str, Any]:
    view = views.detail(session, engine, ship)
    result = ship.fields["result"]
    _ship_claims(ship, view, book)
    problem = view["problem"]
    _problem_claims(problem, book)
    interval = _interval(result["metric"], result)
    verdict = ("distinguishable from noise" if result["distinguishable"]
               else "not distinguishable from noise")
    if view["outcome"] == "success":
        book.bullets.append(
            f"Identified {problem['title']} affecting {problem['reach']['total']} users, "
            f"shipped {ship.fields.get('what') or ship.title}, {result['label']} moved "
            f"{view['before_text']} → {view['after_text']} ({interval})")
    return {"title": ship.title, "page": page_name(ship), "metric_label": result["label"],
            "before_text": view["before_text"], "after_text": view["after_text"],
            "interval": interval, "verdict": verdict, "outcome": view["outcome"]}


def _insights(session: Session) -> list[dict[str, Any]]:
    """The insights, themes, queries and experiments the artifacts cite, and who cites them."""
    cited: dict[Link, list[str]] = {}
    for kind in ("problem", "proposal", "decision", "ship"):
        for artifact in store.list_all(session, kind):
            for link in store.links_of(artifact):
                if link.kind in ("insight", "theme", "query", "experiment"):
                    cited.setdefault(link, []).append(f"{kind} {artifact.id}")
    return [{"link": str(link), "what": describe(session, link), "cited_by": by}
            for link, by in sorted(cited.items(), key=lambda item: str(item[0]))]


def contents(session: Session, engine: Engine, out: Path
             ) -> tuple[Portfolio, dict[str, Any], list[Artifact]]:
    """What a build into ``out`` would hold (its pages, bullets and claims), the index page's
    context and the artifacts given a page; nothing is written."""
    book = Portfolio(out)
    ships = [_ship_entry(session, engine, s, book) for s in store.list_all(session, "ship")]
    problems = [p for p in store.list_all(session, "problem") if p.status != "draft"]
    teardowns = store.list_all(session, "teardown")
    shown = [*store.list_all(session, "ship"), *problems, *teardowns]
    context = {
        "bullets": book.bullets,
        "outcomes": [s for s in ships if s["outcome"] == "success"],
        "failures": [s for s in ships if s["outcome"] != "success"],
        "problems": [_problem_entry(session, engine, p, book) for p in problems],
        "insights": _insights(session),
        "teardowns": [{"title": t.title, "page": page_name(t),
                       "competitor": t.fields.get("competitor")} for t in teardowns],
    }
    book.pages.extend(page_name(a) for a in shown)
    return book, context, shown


def build(session: Session, engine: Engine, out: Path, who: str) -> Portfolio:
    """Write ``index.html``, one page per artifact shown, ``portfolio.pdf`` and ``claims.json``."""
    out.mkdir(parents=True, exist_ok=True)
    book, context, shown = contents(session, engine, out)
    index = render.markdown("portfolio", {"author": who, **context})
    documents = [index]
    for artifact in shown:
        text = markdown_for(session, engine, artifact)
        documents.append(text)
        _write(out / page_name(artifact), render.html_page(
            text, artifact.title, nav='<a href="index.html">Portfolio</a>'))
    _write(out / "index.html", render.html_page(index, f"{who}: product outcomes"))
    (out / "portfolio.pdf").write_bytes(render.pdf(*documents))
    _write(out / "claims.json", json.dumps([asdict(c) for c in book.claims], indent=1))
    store.audit(session, None, who, "portfolio", {"out": str(out), "pages": len(book.pages)})
    return book


def _problem_claims(view: dict[str, Any], book: Portfolio) -> None:
    name, key = f"problem {view['id']}", f"problem-{view['id']}"
    book.claim(Claim(f"{key}-reach", name, "reach", view["reach"]["total"],
                     str(view["reach"]["total"]), "events", view["reach"]["sql"]))
    book.claim(Claim(f"{key}-evidence", name, "pieces of evidence", view["evidence_count"],
                     str(view["evidence_count"]), "store", evidence_count_sql(view["id"])))


def _problem_entry(session: Session, engine: Engine, problem: Artifact,
                   book: Portfolio) -> dict[str, Any]:
    view = views.detail(session, engine, problem)
    _problem_claims(view, book)
    return {"title": problem.title, "page": page_name(problem), "reach": view["reach"]["total"],
            "evidence": view["evidence_count"]}


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
