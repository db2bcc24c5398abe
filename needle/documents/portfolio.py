"""The portfolio: a static site and a PDF of shipped outcomes, failures, problems and teardowns.

Each number on it is a claim in ``claims.json`` with the SQL (over ``{events}``) that produces it,
so anyone can re-run what the portfolio says.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from needle.artifacts import store, views
from needle.artifacts.compare import CONFIDENCE
from needle.artifacts.metrics import parse_metric
from needle.artifacts.models import Artifact
from needle.documents import render
from needle.documents.artifacts import markdown_for


@dataclass(frozen=True)
class Claim:
    id: str
    artifact: str
    label: str
    value: float
    display: str
    sql: str


@dataclass
class Portfolio:
    out: Path
    pages: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"out": str(self.out), "pages": self.pages, "bullets": self.bullets,
                "claims": [asdict(c) for c in self.claims]}


def page_name(artifact: Artifact) -> str:
    return f"{artifact.kind}-{artifact.id}.html"


def _interval(metric_spec: str, result: dict[str, Any]) -> str:
    metric = parse_metric(metric_spec)
    scale, unit = (100, " pts") if metric.unit == "rate" else (1, "")
    return (f"{CONFIDENCE:.0%} CI {result['low'] * scale:+.1f} to "
            f"{result['high'] * scale:+.1f}{unit}")


def _ship_entry(session: Session, files: list[Path], ship: Artifact,
                book: Portfolio) -> dict[str, Any]:
    view = views.detail(session, files, ship)
    result, name = ship.fields["result"], f"ship {ship.id}"
    for side in ("before", "after"):
        m = result[side]
        book.claims.append(Claim(f"ship-{ship.id}-{side}", name, f"{result['label']} {side}",
                                 m["value"], view[f"{side}_text"], m["sql"]))
    problem = view["problem"]
    book.claims.append(Claim(f"problem-{problem['id']}-reach", f"problem {problem['id']}",
                             "reach", problem["reach"]["total"], str(problem["reach"]["total"]),
                             problem["reach"]["sql"]))
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
    cited: dict[str, list[str]] = {}
    for kind in ("problem", "proposal", "decision", "ship"):
        for artifact in store.list_all(session, kind):
            for link in store.links_of(artifact):
                if link.kind in ("insight", "theme", "query", "experiment"):
                    cited.setdefault(str(link), []).append(f"{kind} {artifact.id}")
    return [{"link": k, "cited_by": v} for k, v in sorted(cited.items())]


def build(session: Session, files: list[Path], out: Path, who: str) -> Portfolio:
    """Write ``index.html``, one page per artifact shown, ``portfolio.pdf`` and ``claims.json``."""
    out.mkdir(parents=True, exist_ok=True)
    book = Portfolio(out)
    ships = [_ship_entry(session, files, s, book) for s in store.list_all(session, "ship")]
    problems = [p for p in store.list_all(session, "problem") if p.status != "draft"]
    teardowns = store.list_all(session, "teardown")
    shown = [*store.list_all(session, "ship"), *problems, *teardowns]
    index = render.markdown("portfolio", {
        "author": who, "bullets": book.bullets,
        "outcomes": [s for s in ships if s["outcome"] == "success"],
        "failures": [s for s in ships if s["outcome"] != "success"],
        "problems": [_problem_entry(session, files, p, book) for p in problems],
        "insights": _insights(session),
        "teardowns": [{"title": t.title, "page": page_name(t),
                       "competitor": t.fields.get("competitor")} for t in teardowns],
    })
    documents = [index]
    for artifact in shown:
        text = markdown_for(session, files, artifact)
        documents.append(text)
        _write(out / page_name(artifact), render.html_page(
            text, artifact.title, nav='<a href="index.html">Portfolio</a>'))
        book.pages.append(page_name(artifact))
    _write(out / "index.html", render.html_page(index, f"{who}: product outcomes"))
    (out / "portfolio.pdf").write_bytes(render.pdf(*documents))
    _write(out / "claims.json", json.dumps([asdict(c) for c in book.claims], indent=1))
    store.audit(session, None, who, "portfolio", {"out": str(out), "pages": len(book.pages)})
    return book


def _problem_entry(session: Session, files: list[Path], problem: Artifact,
                   book: Portfolio) -> dict[str, Any]:
    view = views.detail(session, files, problem)
    claim_id = f"problem-{problem.id}-reach"
    if all(c.id != claim_id for c in book.claims):
        book.claims.append(Claim(claim_id, f"problem {problem.id}", "reach",
                                 view["reach"]["total"], str(view["reach"]["total"]),
                                 view["reach"]["sql"]))
    return {"title": problem.title, "page": page_name(problem), "reach": view["reach"]["total"],
            "evidence": view["evidence_count"]}


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
