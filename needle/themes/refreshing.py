"""Building or refreshing every theme from all evidence, keeping people's edits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy.orm import Session

from needle.store import Store
from needle.themes.clustering import UNTHEMED, Clustering, ClusterParams, cluster, nearest
from needle.themes.corpus import Corpus, load_corpus
from needle.themes.persist import active_themes, bytes_vector, current_owners, new_theme, save
from needle.themes.praise import gather_praise
from needle.themes.reconcile import OldTheme, Plan, reconcile

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class RefreshResult:
    evidence: int
    themes: int
    unthemed: int
    new_themes: int
    retired_themes: int


def refresh(
    store: Store, cache_dir: Path, params: ClusterParams | None = None,
    progress: Progress | None = None,
) -> RefreshResult:
    """Cluster all evidence again and store the themes; ids, names and edits carry over."""
    report = progress or (lambda _stage, _done, _total: None)
    with store.session() as session:
        corpus = load_corpus(cache_dir, session,
                             progress=lambda done, total: report("embedding", done, total))
        report("clustering", 0, 1)
        found = cluster_worded(corpus, params)
        report("clustering", 1, 1)
        owners, plan = _owners(session, corpus, found)
        save(session, corpus, owners, "cluster")
        themed = {t for t in owners.values() if t is not None}
        return RefreshResult(len(corpus), len(themed), sum(t is None for t in owners.values()),
                             len(plan.new), len(plan.retired))


def cluster_worded(corpus: Corpus, params: ClusterParams | None = None) -> Clustering:
    """Clusters of the pieces that have words once prepared, short praise gathered (see
    :mod:`needle.themes.praise`); the others are unthemed."""
    params = params or ClusterParams()
    worded = np.flatnonzero(corpus.has_words)
    vectors = corpus.vectors[worded]
    found = gather_praise(vectors, cluster(vectors, params), corpus.embedder, params.min_size)
    labels = np.full(len(corpus), UNTHEMED)
    labels[worded] = found.labels
    similarity = np.zeros(len(corpus), dtype=np.float32)
    similarity[worded] = found.similarity
    return Clustering(labels, found.centroids, similarity)


def _owners(
    session: Session, corpus: Corpus, found: Clustering
) -> tuple[dict[int, int | None], Plan]:
    rows_by_group = [np.flatnonzero(found.labels == g) for g in range(found.count)]
    groups = [[corpus.ids[r] for r in rows] for rows in rows_by_group]
    before = {e: t for e, t in current_owners(session).items() if t is not None}
    themes = active_themes(session)
    sizes = np.bincount(list(before.values()), minlength=max(themes, default=0) + 1)
    old = {t.id: OldTheme(t.id, t.origin, int(sizes[t.id]), t.parent_id) for t in themes.values()}
    plan = reconcile(groups, before, old)
    owners: dict[int, int | None] = dict.fromkeys(corpus.ids)
    for number, theme_id in plan.matched.items():
        owners.update(dict.fromkeys(groups[number], theme_id))
    for number in plan.new:
        owners.update(dict.fromkeys(groups[number], new_theme(session).id))
    for number, siblings in plan.shared.items():
        centroids = np.stack([bytes_vector(themes[t].centroid) for t in siblings])
        best, _ = nearest(corpus.vectors[rows_by_group[number]], centroids)
        owners.update(zip(groups[number], (siblings[b] for b in best), strict=True))
    return owners, plan
