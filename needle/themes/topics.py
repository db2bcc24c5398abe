"""Topics: the themes gathered into a handful of groups, named and stored when themes are built.

Themes are as fine as the evidence allows (one per distinct complaint: "the CSV is empty", "the
CSV has garbled accents"); topics gather them ("CSV export"), so a person first reads 5 to 15
things. Topics are Ward clusters of the theme centroids (scipy; the linkage BERTopic's topic
hierarchy uses too), cut into the fewest groups, at least ``MIN_TOPICS`` and at most
``MAX_TOPICS``, whose pieces are as close as pieces of one subject are: the mean cosine of a
piece to the other pieces of its topic reaches ``COHESION`` (the measure themes are cut by,
at a looser level; see :mod:`needle.themes.clustering`). A count fixed by the number of themes
(their square root) merged subjects whenever the themes were few and coarse: the demo's board
and search complaints became one topic twice the size of any other. Ward must put every theme
somewhere, so a theme unlike all others (praise in a product's complaints, an unrelated
question) would inflate a topic it has nothing to do with and push it up a synthesis: a theme
whose centroid has cosine below ``FIT`` with the mean centroid of the rest of its topic becomes
a topic of its own, ranked by its own frequency, the worst fitting first, while there are at
most ``MAX_TOPICS``. A topic is named like a theme (:mod:`needle.themes.name`), from all its
texts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from sqlalchemy import delete
from sqlalchemy.orm import Session

from needle.store import Store
from needle.themes.clustering import cohesion
from needle.themes.corpus import Corpus, load_corpus
from needle.themes.label import keywords
from needle.themes.models import Theme, ThemeTopic
from needle.themes.name import theme_names
from needle.themes.view import Topic

MIN_TOPICS, MAX_TOPICS = 5, 15
# mean cosine of a piece to the rest of its topic that makes a subject: the demo's nine planted
# subjects and its unrelated questions hold 0.45; BANKING77's intents, finer, 0.59
COHESION = 0.45
# least cosine between a theme's centroid and the rest of its topic: themes of one subject fit
# theirs at 0.45 and more (the demo, BANKING77); a grab bag of unrelated questions, 0.24-0.37
FIT = 0.35
TOPIC_WORDS = 3  # a topic is a subject ("CSV export", "Calendar sync"), not one complaint


def group_of(sums: np.ndarray, sizes: np.ndarray | None = None) -> np.ndarray:
    """The topic (0-based) of each theme, from each theme's sum of its pieces' normalised
    vectors (``sums``) and its piece count (``sizes``; 1 each when not given, the sums then
    being the centroids)."""
    count = len(sums)
    if count < 3:
        return np.zeros(count, dtype=int)
    sizes = np.ones(count) if sizes is None else np.asarray(sizes, dtype=np.float64)
    centroids = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
    # Ward on unit vectors: squared Euclidean distance is 2 - 2 cosine
    tree = linkage(centroids.astype(np.float64), method="ward")
    for topics in range(min(count, MIN_TOPICS), min(count, MAX_TOPICS) + 1):
        found = fcluster(tree, topics, criterion="maxclust") - 1
        if cohesion(sums, found, sizes) >= COHESION:
            break
    return _misfits_moved(centroids, found)


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
                 themes: Mapping[int, Theme]) -> None:
    """Replace the stored topics by those of the themes in ``groups`` (theme id -> rows)."""
    session.execute(delete(ThemeTopic))
    if not groups:
        return
    order = list(groups)
    found = group_of(np.stack([corpus.vectors[groups[t]].sum(axis=0) for t in order]),
                     np.array([len(groups[t]) for t in order]))
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


def nearest_topics(store: Store, cache_dir: Path, topics: Sequence[Topic]) -> dict[int, int]:
    """Evidence id -> id of the topic whose centroid (the mean of its pieces) the piece is
    nearest, for every piece of ``topics``. Topics hold whole themes, and a theme can mix
    subjects ("searched for invoice": search complaints and billing questions); counting each
    piece for the topic nearest it counts how often a subject comes up, each piece once."""
    ids = [e for topic in topics for e in topic.evidence_ids]
    if not ids:
        return {}
    with store.session() as session:
        corpus = load_corpus(cache_dir, session, only=ids)
    rows = dict(zip(corpus.ids, range(len(corpus)), strict=True))
    middles = np.stack([_unit(corpus.vectors[[rows[e] for e in topic.evidence_ids]].mean(axis=0))
                        if topic.evidence_ids else np.zeros(corpus.vectors.shape[1])
                        for topic in topics])
    nearest = (corpus.vectors @ middles.T).argmax(axis=1)
    return {e: topics[int(n)].id for e, n in zip(corpus.ids, nearest, strict=True)}
