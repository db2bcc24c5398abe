"""Incremental theming: new evidence joins the nearest existing theme without re-clustering.

Only pieces with no assignment yet are embedded and compared with the stored theme centroids; a
piece less similar than the clustering's ``min_similarity`` to every theme is unthemed. Labels and
keywords are left as they are until the next refresh (``needle themes``), so an update stays fast.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sqlalchemy import select

from needle.evidence.models import Evidence
from needle.store import Store
from needle.themes.clustering import ClusterParams, nearest
from needle.themes.corpus import load_corpus
from needle.themes.models import ThemeAssignment
from needle.themes.persist import active_themes, bytes_vector, insert_assignments
from needle.themes.praise import praise_rows, praise_theme
from needle.themes.refreshing import refresh


@dataclass(frozen=True)
class UpdateResult:
    new: int
    themed: int
    unthemed: int
    rebuilt: bool = False


def update(
    store: Store, cache_dir: Path, params: ClusterParams | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> UpdateResult:
    """Assign evidence added since the last refresh or update; build themes when there are none."""
    params = params or ClusterParams()
    with store.session() as session:
        themes = active_themes(session)
        if themes:
            assigned = select(ThemeAssignment.evidence_id)
            fresh = list(session.scalars(select(Evidence.id).where(Evidence.id.not_in(assigned))))
            corpus = load_corpus(cache_dir, session, only=fresh, progress=progress)
            order = sorted(themes)
            centroids = np.stack([bytes_vector(themes[t].centroid) for t in order])
            best, score = nearest(corpus.vectors, centroids)
            keep = (score >= params.min_similarity) & corpus.has_words
            home = praise_theme(centroids, corpus.embedder)
            if home is not None:  # short praise is near no centroid (see themes.praise)
                praise = ~keep & praise_rows(corpus.vectors, corpus.embedder)
                best[praise], keep[praise] = home, True
                score[praise] = corpus.vectors[praise] @ centroids[home]
            now = datetime.now(UTC)
            insert_assignments(session, [
                {"evidence_id": e, "theme_id": order[b] if k else None, "similarity": float(s),
                 "method": "incremental", "assigned_at": now}
                for e, b, s, k in zip(corpus.ids, best.tolist(), score.tolist(), keep.tolist(),
                                      strict=True)
            ])
            return UpdateResult(len(corpus), int(keep.sum()), int((~keep).sum()))
    result = refresh(store, cache_dir, params)
    return UpdateResult(result.evidence, result.evidence - result.unthemed, result.unthemed, True)
