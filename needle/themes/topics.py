"""Topics: the themes gathered into a handful of groups, named and stored when themes are built.

Themes are as fine as the evidence allows (one per distinct complaint: "the CSV is empty", "the
CSV has garbled accents"); topics gather them ("CSV export"), so a person first reads 5 to 15
things. Topics are Ward clusters of the theme centroids (scipy; the linkage BERTopic's topic
hierarchy uses too), cut into ``ceil(sqrt(themes))`` groups, at least ``MIN_TOPICS`` and at most
``MAX_TOPICS``. Ward must put every theme somewhere, so a theme unlike all others (praise in a
product's complaints, an unrelated question) would inflate a topic it has nothing to do with and
push it up a synthesis: a theme whose centroid has cosine below ``FIT`` with the mean centroid of
the rest of its topic becomes a topic of its own, ranked by its own frequency, the worst fitting
first, while there are at most ``MAX_TOPICS``. A topic is named
like a theme (:mod:`needle.themes.name`), from all its texts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from sqlalchemy import delete
from sqlalchemy.orm import Session

from needle.themes.corpus import Corpus
from needle.themes.label import keywords
from needle.themes.models import Theme, ThemeTopic
from needle.themes.name import theme_names

MIN_TOPICS, MAX_TOPICS = 5, 15
# least cosine between a theme's centroid and the rest of its topic: themes of one subject fit
# theirs at 0.45 and more (the demo, BANKING77); a grab bag of unrelated questions, 0.24-0.37
FIT = 0.35
TOPIC_WORDS = 3  # a topic is a subject ("CSV export", "Calendar sync"), not one complaint


def topic_count(themes: int) -> int:
    """How many topics ``themes`` themes make: the square root, kept within 5 to 15."""
    return min(themes, MAX_TOPICS, max(MIN_TOPICS, math.ceil(math.sqrt(themes))))


def group_of(centroids: np.ndarray) -> np.ndarray:
    """The topic (0-based) of each row of ``centroids`` (normalised theme centroids)."""
    count = len(centroids)
    if count < 3:
        return np.zeros(count, dtype=int)
    # Ward on unit vectors: squared Euclidean distance is 2 - 2 cosine
    tree = linkage(centroids.astype(np.float64), method="ward")
    return _misfits_moved(centroids, fcluster(tree, topic_count(count), criterion="maxclust") - 1)


def _misfits_moved(centroids: np.ndarray, found: np.ndarray) -> np.ndarray:
    """``found`` with each theme that fits its topic less than ``FIT`` in a topic of its own
    (see the module's notes), the worst fitting first; topics numbered 0.. again."""
    sums = np.zeros((int(found.max()) + 1, centroids.shape[1]))
    np.add.at(sums, found, centroids)
    rest = sums[found] - centroids  # each theme's topic without it
    norms = np.linalg.norm(rest, axis=1)
    fits = np.einsum("ij,ij->i", rest, centroids) / np.maximum(norms, 1e-6)
    out = found.copy()
    for row in np.argsort(fits, kind="stable"):
        if norms[row] <= 1e-6 or fits[row] >= FIT or len(set(out.tolist())) >= MAX_TOPICS:
            continue
        out[row] = out.max() + 1
    return np.unique(out, return_inverse=True)[1]


def store_topics(session: Session, corpus: Corpus, groups: Mapping[int, list[int]],
                 themes: Mapping[int, Theme], centroids: Mapping[int, np.ndarray]) -> None:
    """Replace the stored topics by those of the themes in ``groups`` (theme id -> rows)."""
    session.execute(delete(ThemeTopic))
    if not groups:
        return
    order = list(groups)
    found = group_of(np.stack([centroids[t] for t in order]))
    members = [[t for t, g in zip(order, found, strict=True) if g == number]
               for number in range(int(found.max()) + 1)]
    members.sort(key=lambda ids: -sum(len(groups[t]) for t in ids))
    rows = [[r for t in ids for r in groups[t]] for ids in members]
    texts = [[corpus.prepared[r] for r in block] for block in rows]
    middles = np.stack([_unit(corpus.vectors[block].mean(axis=0)) for block in rows])
    names = theme_names(texts, middles, corpus.embedder, max_words=TOPIC_WORDS)
    now = datetime.now(UTC)
    for ids, name, terms in zip(members, names, keywords(texts), strict=True):
        topic = ThemeTopic(label=name, keywords=terms, created_at=now)
        session.add(topic)
        session.flush()
        for theme_id in ids:
            themes[theme_id].topic_id = topic.id


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return (vector / norm if norm else vector).astype(np.float32)
