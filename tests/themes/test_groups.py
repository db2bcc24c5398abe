"""Grouping theme centroids into topics: Ward clusters, the fewest (5 to 15) whose pieces are as
close as one subject's; a theme unlike the rest of its topic apart."""

from __future__ import annotations

import numpy as np
import pytest

from needle.errors import UserError
from needle.themes.groups import group_of
from needle.themes.topics import MAX_TOPICS


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


@pytest.mark.parametrize("themes", [0, 1, 2])
def test_few_themes_make_one_group(themes: int) -> None:
    assert group_of(_unit(np.eye(3)[:themes] + 0.1)).tolist() == [0] * themes


def test_themes_near_each_other_share_a_group() -> None:
    rng = np.random.default_rng(3)
    axes = np.eye(16)[[0, 3, 5, 9, 12]]  # five topics, five themes each, close to their topic
    centroids = _unit(np.repeat(axes, 5, axis=0) + 0.15 * rng.normal(size=(25, 16)))
    groups = group_of(centroids)
    assert len(set(groups.tolist())) == 5
    assert all(len(set(groups[i : i + 5].tolist())) == 1 for i in range(0, 25, 5))


def test_a_theme_unlike_the_rest_of_its_topic_is_a_topic_of_its_own() -> None:
    """Five topics of four themes and one theme unlike any: Ward cuts five groups, which puts
    the odd theme in a topic; it leaves it rather than swell it."""
    rng = np.random.default_rng(4)
    axes = np.eye(16)[[0, 3, 5, 9, 12]]
    near = np.repeat(axes, 4, axis=0) + 0.15 * rng.normal(size=(20, 16))
    centroids = _unit(np.vstack([near, np.eye(16)[15]]))
    groups = group_of(centroids)
    assert len(set(groups.tolist())) == 6
    assert (groups == groups[-1]).sum() == 1
    assert all(len(set(groups[i : i + 4].tolist())) == 1 for i in range(0, 20, 4))


@pytest.mark.parametrize(("subjects", "topics"), [(3, 5), (20, MAX_TOPICS)])
def test_a_person_sees_five_to_fifteen_topics(subjects: int, topics: int) -> None:
    """Four themes per subject: few subjects still make 5 topics, many at most 15."""
    rng = np.random.default_rng(subjects)
    themes = np.repeat(np.eye(32)[:subjects], 4, axis=0)
    groups = group_of(_unit(themes + 0.15 * rng.normal(size=themes.shape)))
    assert len(set(groups.tolist())) == topics


def test_groups_before_any_theme_say_how_to_build_them(workspace) -> None:
    with pytest.raises(UserError, match="no themes yet; build them") as raised:
        workspace.theme_groups()
    assert raised.value.hint == "themes"
