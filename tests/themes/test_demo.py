"""On the demo product: planted themes are recovered and the bug reporters' churn shows."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from sklearn.metrics import (
    adjusted_rand_score,
    completeness_score,
    normalized_mutual_info_score,
)

from needle.demo import demo_info, evidence_themes
from needle.demo.truth import BUG_THEME, NOISE, THEMES
from needle.evidence.models import Evidence
from needle.themes.topics import MAX_TOPICS, MIN_TOPICS
from needle.workspace import Workspace
from tests.conftest import Cli
from tests.themes.conftest import fragment


@pytest.fixture(scope="module")
def demo_themed(
    demo_workspace: Workspace, tmp_path_factory: pytest.TempPathFactory, model: Any
) -> Iterator[Workspace]:
    """A copy of the shared demo (which must stay untouched), themed."""
    root = tmp_path_factory.mktemp("demo-themes") / "ws"
    shutil.copytree(demo_workspace.root, root)
    workspace = Workspace.open(root)
    workspace.build_themes()
    yield workspace
    workspace.close()


@pytest.fixture(scope="module")
def planted(demo_themed: Workspace) -> dict[int, str]:
    """Planted theme of every evidence id (from the demo's ground truth, not the store)."""
    info = demo_info(demo_themed.root)
    assert info is not None
    truth = evidence_themes(info.seed, info.users, info.days)
    with demo_themed.store.session() as session:
        return {e.id: truth[e.source_id or ""] for e in session.query(Evidence)}


def majority(evidence_ids: list[int], planted: dict[int, str]) -> tuple[str, float]:
    name, count = Counter(planted[e] for e in evidence_ids).most_common(1)[0]
    return name, count / len(evidence_ids)


def test_every_planted_theme_is_recovered_in_pure_themes(demo_themed, planted) -> None:
    found = demo_themed.themes()
    covered: Counter[str] = Counter()
    for theme in found.themes:
        name, purity = majority(theme.evidence_ids, planted)
        if purity >= 0.8:
            covered[name] += sum(planted[e] == name for e in theme.evidence_ids)
    totals = Counter(planted.values())
    for planted_theme in THEMES:
        assert covered[planted_theme.name] >= 0.6 * totals[planted_theme.name], planted_theme
    unthemed = Counter(planted[e] for e in found.unthemed)
    assert len(found.unthemed) <= 0.05 * len(planted)
    assert unthemed[NOISE] >= 0.5 * len(found.unthemed)


def is_bug_theme(found: tuple[str, float]) -> bool:
    return found[0] == BUG_THEME and found[1] >= 0.8


@pytest.mark.parametrize("against", ["users", "reporters"])
def test_bug_reporters_churn_more(demo_themed, planted, against: str) -> None:
    rows = demo_themed.theme_behaviour(days=30, against=against)
    by_theme = {t.id: t for t in demo_themed.themes().themes}
    bug = [r for r in rows if r.reporters >= 10
           and is_bug_theme(majority(by_theme[r.theme_id].evidence_ids, planted))]
    others = [r for r in rows if r.reporters >= 10 and r not in bug]
    assert bug and others
    for row in bug:
        assert row.difference < min(o.difference for o in others)  # type: ignore[operator]
        if against == "reporters":  # the default: retained less, interval clear of zero
            assert row.high is not None and row.high < 0


def test_behaviour_command_prints_the_documented_json(demo_themed) -> None:
    rows = json.loads(Cli(demo_themed.root)("themes", "behaviour", "--json").stdout)
    assert set(rows[0]) == {"theme_id", "label", "metric", "reporters", "reporters_rate",
                            "others", "others_rate", "difference", "low", "high", "against"}
    assert (rows[0]["metric"], rows[0]["against"]) == ("retention_30d", "reporters")


def test_groups_gather_the_fine_themes_into_the_planted_topics(demo_themed, planted) -> None:
    """Many fine themes (one per complaint) read as a few groups, closer to the planted themes
    than the fine themes are."""
    found = demo_themed.themes()
    groups = demo_themed.theme_groups()
    assert sorted(t.id for g in groups for t in g.themes) == sorted(t.id for t in found.themes)
    assert MIN_TOPICS <= len(groups) <= MAX_TOPICS
    assert [g.size for g in groups] == sorted((g.size for g in groups), reverse=True)
    themed = [e for t in found.themes for e in t.evidence_ids]
    gold = [planted[e] for e in themed]
    fine = [next(t.id for t in found.themes if e in t.evidence_ids) for e in themed]
    coarse = [next(g.id for g in groups for t in g.themes if e in t.evidence_ids) for e in themed]
    # each planted theme's evidence is now mostly in one group, and the partition is closer
    assert completeness_score(gold, coarse) >= completeness_score(gold, fine) + 0.15
    assert completeness_score(gold, coarse) >= 0.75
    assert adjusted_rand_score(gold, coarse) > adjusted_rand_score(gold, fine) + 0.05
    assert 5 <= len(groups) <= 15 and normalized_mutual_info_score(gold, coarse) >= 0.85


def test_groups_command_prints_the_documented_json(demo_themed) -> None:
    cli = Cli(demo_themed.root)
    groups = json.loads(cli("themes", "groups", "--json").stdout)["groups"]
    topics = json.loads(cli("themes", "--json").stdout)["topics"]
    assert set(groups[0]) == {"id", "label", "size", "share", "theme_ids", "themes"}
    assert groups[0]["id"] == 1 and groups[0]["label"] == topics[0]["label"]
    assert groups[0]["size"] == sum(t["size"] for t in groups[0]["themes"]) == topics[0]["size"]


def test_the_synthesis_names_the_planted_top_themes_by_frequency(demo_themed, planted) -> None:
    """Its topics are the planted themes in order of frequency. The demo plants (at this scale)
    86 pieces of board loading, 69 each of CSV export and app crashes, then 67, 64, 63 and 62
    of notifications, pricing, permissions and calendar sync, 40 of search and 22 of dark mode:
    the top three come first, board loading first and the two tied at 69 in either order. The
    next four differ by at most 5 pieces, less than the billing questions planted as noise
    that read like pricing, so among them only an order within 10% is claimed."""
    made = demo_themed.create_synthesis()
    truth = Counter(v for v in planted.values() if v != NOISE)
    listed = made["fields"]["themes"]
    named = [majority(t["evidence_ids"], planted) for t in listed][:len(truth)]
    assert all(purity >= 0.8 for _, purity in named)
    counts = [truth[name] for name, _ in named]
    assert len({name for name, _ in named}) == len(truth)  # each planted theme, once
    assert counts[:3] == sorted(truth.values(), reverse=True)[:3]
    assert all(later <= 1.1 * earlier for i, earlier in enumerate(counts)
               for later in counts[i + 1:])


def test_theme_and_topic_names_read_as_names(demo_themed) -> None:
    found = demo_themed.themes()
    assert [(t.label, why) for t in found.themes if (why := fragment(t.label))] == []
    assert [(t.label, why) for t in found.topics
            if (why := fragment(t.label)) and why != "length"] == []
