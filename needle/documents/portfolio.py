"""The transition portfolio: a static site and a PDF of the five artifacts the programme asks
for (problem discoveries, ship posts with metrics, failed-experiment write-ups, customer-insight
syntheses and competitive teardowns) and the resume bullets.

Each number on it is a claim in ``claims.json`` (:mod:`needle.documents.claims`) with the query
that produces it; the index names the claim beside each number and lists every query, so anyone
can re-run what the portfolio says.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from needle.analytics.engine import Engine
from needle.artifacts import store, views
from needle.artifacts.links import Link, describe
from needle.artifacts.models import Artifact
from needle.documents import render
from needle.documents.artifacts import markdown_for
from needle.documents.claims import Claim, cited_claim, interval, problem_claims, ship_claims
from needle.documents.resume import bullet
from needle.errors import UserError
from needle.io.files import disk_reason

# The customer-insight synthesis, a kind of its own (:mod:`needle.artifacts.synthesis`).
SYNTHESIS = "synthesis"


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


def _ship_entry(session: Session, engine: Engine, ship: Artifact,
                book: Portfolio) -> dict[str, Any]:
    view = views.detail(session, engine, ship)
    result = ship.fields["result"]
    for claim in [*ship_claims(ship, view), *problem_claims(view["problem"])]:
        book.claim(claim)
    found = bullet(session, engine, ship)
    if found:
        book.bullets.append(found[0])
        for claim in found[1]:
            book.claim(claim)
    verdict = ("distinguishable from noise" if result["distinguishable"]
               else "not distinguishable from noise")
    return {"title": ship.title, "page": page_name(ship), "metric_label": result["label"],
            "before_text": view["before_text"], "after_text": view["after_text"],
            "interval": interval(result["metric"], result), "verdict": verdict,
            "outcome": view["outcome"], "claims": [f"ship-{ship.id}-before",
                                                   f"ship-{ship.id}-after"]}


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
    syntheses = store.list_all(session, SYNTHESIS)
    shown = [*store.list_all(session, "ship"), *problems, *syntheses, *teardowns]
    context = {
        "bullets": book.bullets,
        "outcomes": [s for s in ships if s["outcome"] == "success"],
        "failures": [s for s in ships if s["outcome"] != "success"],
        "problems": [_problem_entry(session, engine, p, book) for p in problems],
        "syntheses": [_synthesis_entry(s, book) for s in syntheses],
        "insights": _insights(session),
        "teardowns": [{"title": t.title, "page": page_name(t),
                       "competitor": t.fields.get("competitor")} for t in teardowns],
    }
    book.pages.extend(page_name(a) for a in shown)
    return book, context, shown


def _synthesis_entry(synthesis: Artifact, book: Portfolio) -> dict[str, Any]:
    claim = cited_claim(synthesis)
    book.claim(claim)
    return {"title": synthesis.title, "page": page_name(synthesis), "evidence": claim.display,
            "claims": [claim.id]}


def build(session: Session, engine: Engine, out: Path, who: str, name: str = "") -> Portfolio:
    """Write ``index.html``, one page per artifact shown, ``portfolio.pdf`` and ``claims.json``;
    titled with ``name`` (the person's, from settings) when there is one. A folder that cannot
    be written is one line, and the build is not recorded."""
    try:
        return _build(session, engine, out, who, name)
    except OSError as exc:
        raise UserError(f"cannot write the portfolio to {out}: {disk_reason(exc)}") from None


def _build(session: Session, engine: Engine, out: Path, who: str, name: str) -> Portfolio:
    out.mkdir(parents=True, exist_ok=True)
    book, context, shown = contents(session, engine, out)
    title = f"{name}: product outcomes" if name else "Product outcomes"
    index = render.markdown("portfolio", {"title": title, "claims": book.claims, **context})
    documents = [index]
    for artifact in shown:
        text = markdown_for(session, engine, artifact)
        documents.append(text)
        _write(out / page_name(artifact), render.html_page(
            text, artifact.title, nav='<a href="index.html">Portfolio</a>'))
    _write(out / "index.html", render.html_page(index, title))
    (out / "portfolio.pdf").write_bytes(render.pdf(*documents))
    _write(out / "claims.json", json.dumps([asdict(c) for c in book.claims], indent=1))
    store.audit(session, None, who, "portfolio", {"out": str(out), "pages": len(book.pages)})
    return book


def _problem_entry(session: Session, engine: Engine, problem: Artifact,
                   book: Portfolio) -> dict[str, Any]:
    view = views.detail(session, engine, problem)
    for claim in problem_claims(view):
        book.claim(claim)
    return {"title": problem.title, "page": page_name(problem), "reach": view["reach"]["total"],
            "evidence": view["evidence_count"],
            "claims": [f"problem-{problem.id}-reach", f"problem-{problem.id}-evidence"]}


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
