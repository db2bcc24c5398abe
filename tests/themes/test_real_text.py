"""Themes of text as people export it: GitHub issues (templates, code, logs, empty bodies,
imported as title + body) and app-store reviews (short, repeated by many people)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from needle.evidence.models import Evidence
from needle.workspace import Workspace
from tests.conftest import Cli
from tests.themes.conftest import fragment

DATA = Path(__file__).parent / "data"
MARKUP = re.compile(r"[<>#`*\[\]|]|https?:|www\.|\bat \S+\(|\.js:\d|Traceback|\bline \d+")
TEMPLATE_HEADINGS = ("describe the bug", "steps to reproduce", "expected behaviour", "logs",
                     "version", "operating system", "additional context")


# file, import flags, rows, most unthemed share, fewest and most themes. The issues hold 8
# subjects; the reviews 7 subjects in 52 distinct complaints (sign-in alone: passwords, Google,
# Apple, codes, lock-outs), which themes may keep apart and topics gather.
CASES = [("github_issues.csv", ("--id-col", "number"), 139, 0.10, 6, 12),
         ("app_reviews.csv", ("--kind", "review"), 420, 0.10, 7, 32)]
# Bare praise, each said by many reviewers: too short to cluster, but counted.
PRAISE = ("Love it!", "Excellent")


def _build(tmp_path_factory: pytest.TempPathFactory, name: str, flags: tuple[str, ...]
           ) -> tuple[Workspace, dict[str, Any]]:
    root = tmp_path_factory.mktemp("real") / "ws"
    Workspace.init(root).close()
    cli = Cli(root)
    imported = json.loads(cli("evidence", "import", str(DATA / name), *flags, "--json").stdout)
    listing = json.loads(cli("themes", "--json").stdout)
    return Workspace.open(root), {"import": imported, "themes": listing}


@pytest.fixture(scope="module", params=CASES, ids=["github-issues", "app-reviews"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
          model: Any) -> Iterator[tuple[Workspace, dict[str, Any], tuple]]:
    workspace, found = _build(tmp_path_factory, *request.param[:2])
    yield workspace, found, request.param
    workspace.close()


def test_every_row_is_a_piece_even_when_its_text_repeats(built) -> None:
    _, found, case = built
    assert found["import"]["added"] == case[2] == found["themes"]["evidence"]


def test_names_are_plain_short_unique_and_not_template_headings(built) -> None:
    _, found, _ = built
    names = [t["label"] for t in found["themes"]["themes"]]
    assert names and len({n.lower() for n in names}) == len(names)
    for name in names:
        assert not MARKUP.search(name), name
        assert name.lower() not in TEMPLATE_HEADINGS, name
        assert 2 <= len(name.split()) <= 6 and len(name) <= 60 and "…" not in name, name


def test_names_read_as_names_not_fragments(built) -> None:
    """No theme or topic name ends with a stop word or an auxiliary ('RSS feed uses the',
    'Admins can') or holds a pronoun ('App it asks me to log')."""
    _, found, _ = built
    listing = found["themes"]
    names = [t["label"] for t in listing["themes"]]
    topics = [t["label"] for t in listing["topics"]]
    assert [(n, fragment(n)) for n in names if fragment(n)] == []
    assert [(n, why) for n in topics if (why := fragment(n)) and why != "length"] == []


def test_keywords_occur_in_the_quotes(built) -> None:
    _, found, _ = built
    for theme in found["themes"]["themes"]:
        quoted = " ".join(q["text"] for q in theme["quotes"]).lower()
        assert 1 <= len(theme["quotes"]) <= 3
        assert all(w in quoted for k in theme["keywords"] for w in k.split()), theme["label"]


def test_topics_hold_every_theme_once(built) -> None:
    _, found, _ = built
    listing = found["themes"]
    held = [t for topic in listing["topics"] for t in topic["theme_ids"]]
    assert sorted(held) == sorted(t["id"] for t in listing["themes"])
    assert 1 <= len(listing["topics"]) <= 15
    names = [topic["label"] for topic in listing["topics"]]
    assert len({n.lower() for n in names}) == len(names)
    for name in names:  # a subject ("CSV export"), not one complaint
        assert not MARKUP.search(name) and 1 <= len(name.split()) <= 3, name


def test_few_pieces_are_unthemed_and_the_theme_count_is_near_the_subjects(built) -> None:
    _, found, (_, _, _, unthemed, fewest, most) = built
    listing = found["themes"]
    assert len(listing["unthemed"]) <= unthemed * listing["evidence"]
    assert fewest <= len(listing["themes"]) <= most


def test_the_listing_reads_stored_themes_and_build_rebuilds(built) -> None:
    workspace, found, _ = built
    assert workspace.themes_built()
    again = json.loads(Cli(workspace.root)("themes", "--json").stdout)
    assert again == found["themes"]  # read, not re-clustered: same ids, names, topics


def test_bare_praise_is_counted_in_one_theme_and_joins_it_on_update(
        tmp_path_factory, model) -> None:
    workspace, found = _build(tmp_path_factory, *CASES[1][:2])
    with workspace.store.session() as session:
        said = {e.id: e.text.strip() for e in session.query(Evidence)}
    praise = [e for e, text in said.items() if text in PRAISE]
    owner = {e: t["id"] for t in found["themes"]["themes"] for e in t["evidence_ids"]}
    assert len(praise) >= 30 and len({owner.get(e) for e in praise}) == 1
    home = owner.get(praise[0])
    assert home is not None
    more = tmp_path_factory.mktemp("more") / "reviews.csv"
    more.write_text("review_id,author,rating,title,review,date\n"
                    "n1,New1,5,,Excellent,2024-03-01\nn2,New2,5,,Love it!,2024-03-02\n"
                    "n3,New3,1,,The app crashes every time I open a note.,2024-03-02\n")
    cli = Cli(workspace.root)
    cli("evidence", "import", str(more), "--kind", "review", "--json")
    cli("themes", "update", "--json")
    listing = json.loads(cli("themes", "--json").stdout)
    workspace.close()
    owner = {e: t["id"] for t in listing["themes"] for e in t["evidence_ids"]}
    new = sorted(set(owner) | set(listing["unthemed"]))[-3:]
    assert [owner.get(e) == home for e in new] == [True, True, False]
