"""Groups of related themes, so that a workspace with many fine themes reads as a few topics.

Themes are as fine as the evidence allows (one per distinct complaint: "the CSV is empty", "the
CSV has garbled accents"); groups gather them into topics ("CSV export"). Groups are Ward
clusters of the theme centroids (scipy; the linkage BERTopic's topic hierarchy uses too), cut
into ``ceil(sqrt(themes))`` groups: a person scans a handful of groups of a handful of themes.
They are computed when read, from the stored centroids, so they follow every refresh, update and
edit; their numbers are positions (largest first), not stable ids.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from sqlalchemy import select

from needle.errors import UserError
from needle.store import Store
from needle.themes.models import Theme
from needle.themes.persist import bytes_vector
from needle.themes.view import ThemeSummary, list_themes


@dataclass(frozen=True)
class ThemeGroup:
    """Related themes, largest first; the label is the largest theme's."""

    id: int
    themes: list[ThemeSummary]
    share: float

    @property
    def label(self) -> str:
        return self.themes[0].label

    @property
    def size(self) -> int:
        return sum(t.size for t in self.themes)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "size": self.size,
                "share": round(self.share, 4), "theme_ids": [t.id for t in self.themes],
                "themes": [{"id": t.id, "label": t.label, "size": t.size} for t in self.themes]}


def group_of(centroids: np.ndarray) -> np.ndarray:
    """The group (0-based) of each row of ``centroids`` (normalised theme centroids)."""
    count = len(centroids)
    if count < 3:
        return np.zeros(count, dtype=int)
    # Ward on unit vectors: squared Euclidean distance is 2 - 2 cosine
    tree = linkage(centroids.astype(np.float64), method="ward")
    return fcluster(tree, math.ceil(math.sqrt(count)), criterion="maxclust") - 1


def group_themes(store: Store) -> list[ThemeGroup]:
    """The active themes in groups, largest group first."""
    found = list_themes(store)
    if not found.themes:
        raise UserError("no themes yet; build them from the evidence first", hint="themes")
    with store.session() as session:
        stored = {t.id: bytes_vector(t.centroid) for t in session.scalars(
            select(Theme).where(Theme.id.in_([s.id for s in found.themes])))}
    labels = group_of(np.stack([stored[t.id] for t in found.themes]))
    members = [[t for t, g in zip(found.themes, labels, strict=True) if g == group]
               for group in range(int(labels.max()) + 1)]
    members.sort(key=lambda themes: -sum(t.size for t in themes))
    total = found.evidence or 1
    return [ThemeGroup(number, themes, sum(t.size for t in themes) / total)
            for number, themes in enumerate(members, start=1)]
