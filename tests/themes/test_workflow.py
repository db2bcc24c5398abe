"""Build, read, edit, refresh and update themes in a workspace of real support queries."""

from __future__ import annotations

import json
from collections import Counter

import pandas as pd
import pytest

from needle.errors import UserError
from needle.themes.cache import EmbeddingCache
from needle.workspace import Workspace
from tests.conftest import Cli
from tests.themes.conftest import INTENTS, PER_INTENT, add_texts


def intents_by_evidence(workspace: Workspace, sample: pd.DataFrame) -> dict[int, str]:
    from needle.evidence.models import Evidence

    gold = dict(zip(sample.text, sample.category, strict=True))
    with workspace.store.session() as session:
        return {e.id: gold.get(e.text, "other") for e in session.query(Evidence)}


def memberships(workspace: Workspace) -> dict[int, set[int]]:
    return {t.id: set(t.evidence_ids) for t in workspace.themes().themes}


def test_themes_are_pure_labelled_and_account_for_every_piece(themed, sample) -> None:
    found = themed.themes()
    gold = intents_by_evidence(themed, sample)
    assert 6 <= len(found.themes) <= 16
    assert sum(t.size for t in found.themes) + len(found.unthemed) == found.evidence == len(sample)
    for theme in found.themes:
        top = Counter(gold[e] for e in theme.evidence_ids).most_common(1)[0][1]
        assert top / theme.size >= 0.8, theme.label
        assert theme.label and theme.keywords and len(theme.quotes) == min(3, theme.size)
        # the name is a phrase the theme's own texts share: every word is in one of them
        texts = " ".join(e["text"] for e in themed.evidence_pieces(theme.evidence_ids)).lower()
        assert 2 <= len(theme.label.split()) <= 6 and "…" not in theme.label
        assert all(word in texts for word in theme.label.lower().split()), theme.label
        assert 0 < theme.customers <= min(theme.size, 40)
        assert theme.first_seen <= theme.last_seen
        assert sum(theme.trend.counts) <= theme.size
    assert {found.themes[0].trend.direction} <= {"rising", "steady", "falling"}


def test_cli_json_has_the_documented_shape(themed, cli_for) -> None:
    out = json.loads(cli_for(themed)("themes", "--json").stdout)
    assert set(out) >= {"themes", "unthemed"}
    assert set(out["themes"][0]) >= {"id", "label", "keywords", "size", "evidence_ids", "trend"}
    shown = json.loads(cli_for(themed)("themes", "show", str(out["themes"][0]["id"]),
                                       "--json").stdout)
    assert shown["evidence_ids"] == out["themes"][0]["evidence_ids"]


def test_refresh_without_changes_keeps_ids_and_members(themed) -> None:
    before = memberships(themed)
    themed.build_themes()
    assert memberships(themed) == before


def test_a_rename_survives_a_refresh(themed) -> None:
    theme = themed.themes().themes[0]
    themed.rename_theme(theme.id, "Closing an account")
    themed.build_themes()
    assert themed.theme(theme.id).label == "Closing an account"
    assert themed.theme(theme.id).edits[0]["kind"] == "rename"


def test_a_merge_survives_a_refresh(themed) -> None:
    first, second = themed.themes().themes[:2]
    themed.merge_themes(first.id, second.id)
    together = set(first.evidence_ids) | set(second.evidence_ids)
    assert set(themed.theme(first.id).evidence_ids) == together
    themed.build_themes()
    assert set(themed.theme(first.id).evidence_ids) >= together
    with pytest.raises(UserError, match=f"no theme {second.id}"):
        themed.theme(second.id)


def test_a_split_survives_a_refresh(themed) -> None:
    theme = themed.themes().themes[0]
    parts = themed.split_theme(theme.id)
    halves = [set(themed.theme(p).evidence_ids) for p in parts]
    assert halves[0] | halves[1] == set(theme.evidence_ids) and all(halves)
    themed.build_themes()
    again = [set(themed.theme(p).evidence_ids) for p in parts]
    for half, now in zip(halves, again, strict=True):
        assert len(half & now) >= 0.8 * len(half)


def test_a_problem_citing_a_merged_or_split_theme_keeps_its_evidence(themed) -> None:
    first, second, third = themed.themes().themes[:3]
    problem = themed.create_problem("Accounts", {}, [], [f"theme:{second.id}",
                                                         f"theme:{third.id}"])["id"]
    cited = set(second.evidence_ids) | set(third.evidence_ids)
    themed.merge_themes(first.id, second.id)
    parts = themed.split_theme(third.id)
    view = themed.artifact("problem", problem)
    assert sorted(view["links"]) == sorted(f"theme:{t}" for t in (first.id, *parts))
    assert {e["id"] for e in view["evidence"]} >= cited
    assert view["evidence_count"] == len(set(first.evidence_ids) | cited)
    assert [h["action"] for h in view["history"]][-4:] == ["link", "unlink", "link", "unlink"]
    with pytest.raises(UserError, match=f"theme {second.id} is no longer current"):
        themed.create_problem("Stale", {}, [], [f"theme:{second.id}"])


def test_update_assigns_only_new_evidence_to_existing_themes(themed, train, sample) -> None:
    fresh = train[train.category.isin(INTENTS) & ~train.text.isin(sample.text)]
    fresh = fresh.groupby("category").nth(range(PER_INTENT, PER_INTENT + 3))
    before = memberships(themed)
    cached = len(EmbeddingCache(themed.cache_dir))
    add_texts(themed, [*fresh.text, "The volcano erupted in 1815 and cooled the planet."],
              first=1000)
    result = themed.update_themes()
    assert (result.new, result.rebuilt) == (len(fresh) + 1, False)
    assert len(EmbeddingCache(themed.cache_dir)) == cached + len(fresh) + 1
    after = memberships(themed)
    assert set(after) == set(before)
    gold = intents_by_evidence(themed, pd.concat([sample, fresh]))
    found = themed.themes()
    for theme in found.themes:
        added = after[theme.id] - before[theme.id]
        old = Counter(gold[e] for e in before[theme.id]).most_common(1)[0][0]
        assert sum(gold[e] == old for e in added) >= 0.7 * len(added)
    assert max(found.unthemed) == max(gold)  # the volcano


def test_update_with_no_themes_builds_them(workspace, sample) -> None:
    add_texts(workspace, list(sample.text[:60]))
    assert workspace.update_themes().rebuilt


def test_unknown_theme_is_one_line_error(themed, cli_for) -> None:
    result = cli_for(themed)("themes", "show", "999", ok=False)
    assert result.exit_code == 1 and "no theme 999" in result.stderr


@pytest.fixture
def cli_for():  # type: ignore[no-untyped-def]
    return lambda workspace: Cli(workspace.root)


def test_an_empty_workspace_has_no_themes(cli) -> None:
    assert json.loads(cli("themes", "--json").stdout) == {"topics": [], "themes": [],
                                                          "unthemed": [], "evidence": 0}


def test_behaviour_needs_events(cli) -> None:
    result = cli("themes", "behaviour", ok=False)
    assert result.exit_code == 1 and "event lake is empty" in result.stderr


def test_update_with_nothing_new_changes_nothing(themed) -> None:
    before = memberships(themed)
    assert themed.update_themes().new == 0
    assert memberships(themed) == before
