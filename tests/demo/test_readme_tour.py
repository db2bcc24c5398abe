"""The README's tour cites evidence that says what its problem statement says.

Evidence ids in the default demo follow the order of its evidence plan, and the plan knows each
piece's latent theme (:func:`needle.demo.evidence_themes`), so the ids the README cites can be
checked without building the 3-million-event demo."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from needle.artifacts.models import Artifact
from needle.demo import build
from needle.demo.plan import plan_evidence
from needle.demo.truth import DEFAULT_DAYS, DEFAULT_SEED, DEFAULT_USERS, MIN_DAYS
from needle.evidence.models import Evidence

README = Path(__file__).resolve().parents[2] / "README.md"
# Problem statement in the tour -> the demo theme its evidence must come from.
TOPICS = {"CSV exports break the reports customers build on them": "csv_export_broken"}


def _problems() -> list[tuple[str, list[int]]]:
    """(title, cited evidence ids) of every ``problem new`` in the README."""
    text = README.read_text(encoding="utf-8").replace("\\\n", " ")
    found = []
    for line in re.findall(r"^needle problem new .*$", text, flags=re.MULTILINE):
        words = shlex.split(line)
        ids = [int(words[i + 1]) for i, w in enumerate(words) if w in ("-e", "--evidence")]
        found.append((words[3], ids))
    return found


def test_the_tour_cites_evidence() -> None:
    assert any(ids for _, ids in _problems())


@pytest.mark.parametrize(("title", "ids"), [p for p in _problems() if p[1]])
def test_cited_evidence_is_about_the_problem(title: str, ids: list[int]) -> None:
    assert title in TOPICS, f"say which demo theme {title!r} is about"
    plan = plan_evidence(DEFAULT_SEED, DEFAULT_USERS, DEFAULT_DAYS)
    assert [plan[i - 1].theme for i in ids] == [TOPICS[title]] * len(ids)


def test_evidence_ids_follow_the_plan(tmp_path: Path) -> None:
    """What the check above relies on, on a small build; and the tour's new problem is new
    (the demo does not hold it already) and its bet names the id it gets."""
    workspace = build(tmp_path / "demo", users=1000, days=MIN_DAYS)
    try:
        with workspace.store.session() as session:
            stored = sorted((e.id, e.source_id) for e in session.query(Evidence))
            artifacts = session.query(Artifact).all()
    finally:
        workspace.close()
    plan = plan_evidence(DEFAULT_SEED, 1000, MIN_DAYS)
    assert stored == [(i, p.source_id) for i, p in enumerate(plan, 1)]
    [(title, _)] = _problems()
    assert title not in {a.title for a in artifacts if a.kind == "problem"}
    text = README.read_text(encoding="utf-8")
    assert f"--problem {max(a.id for a in artifacts) + 1} " in text
