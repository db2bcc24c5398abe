"""Grouping theme centroids: Ward clusters, ceil(sqrt(themes)) of them."""

from __future__ import annotations

import numpy as np
import pytest

from needle.errors import UserError
from needle.themes.groups import group_of


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


@pytest.mark.parametrize("themes", [0, 1, 2])
def test_few_themes_make_one_group(themes: int) -> None:
    assert group_of(_unit(np.eye(3)[:themes] + 0.1)).tolist() == [0] * themes


def test_themes_near_each_other_share_a_group() -> None:
    rng = np.random.default_rng(3)
    axes = np.eye(16)[[0, 5, 9]]  # three topics, three themes each, close to their topic
    centroids = _unit(np.repeat(axes, 3, axis=0) + 0.15 * rng.normal(size=(9, 16)))
    groups = group_of(centroids)
    assert len(set(groups.tolist())) == 3  # ceil(sqrt(9))
    assert all(len(set(groups[i : i + 3].tolist())) == 1 for i in (0, 3, 6))


def test_groups_before_any_theme_say_how_to_build_them(workspace) -> None:
    with pytest.raises(UserError, match="no themes yet; build them") as raised:
        workspace.theme_groups()
    assert raised.value.hint == "themes"
