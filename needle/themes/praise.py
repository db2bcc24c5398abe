"""Short praise ("Love it!", "Excellent", "Great app") counted as a theme.

Short praise embeds weakly: "Love it!" and "Excellent" have a cosine of 0.28 with MiniLM, so
clustering finds no cohesive group in it and leaves it unthemed, like fillers and greetings. But
praise is a real statement a person made and may count: in app reviews it is often the most
frequent one. So after clustering, an unthemed piece whose prepared text is close to a phrase of
plain praise (cosine at least ``SIMILARITY`` to one of ``PHRASES``, embedded with the same model)
is praise. The praise joins the theme that already holds most praise, when at least half of that
theme's pieces are praise; otherwise, when there are at least ``min_size`` pieces of it, it is a
theme of its own. Praise scattered in a few pieces stays unthemed. An update puts new praise that
is near no theme in the theme of praise, if there is one. A theme of praise shares no phrase a
name could be made of ("Love it!", "Excellent"): it is named ``NAME`` when its centroid is at
least ``SIMILARITY`` to the mean direction of the phrases.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from needle.themes.clustering import UNTHEMED, Clustering, clustering_of

if TYPE_CHECKING:
    from needle.themes.name import Embedder

PHRASES = ["Great app", "Love it", "Excellent", "Awesome", "Amazing", "Perfect", "Works well",
           "Very useful, thank you", "Best app ever", "Highly recommend it", "Good product",
           "Nice and easy to use"]
SIMILARITY = 0.6  # "Love it!" 0.98 with "Love it"; a complaint that says "works well" far less
NAME = "General praise"


def is_praise(centroid: np.ndarray, embedder: Embedder) -> bool:
    """Whether a theme's centroid points where plain praise does (a theme of "Love it!" and
    "Excellent": 0.79; of crashes or ads: below 0.25)."""
    return praise_theme(centroid[None, :], embedder) == 0


def praise_theme(centroids: np.ndarray, embedder: Embedder) -> int | None:
    """The row of ``centroids`` (normalised) nearest the mean direction of the praise phrases,
    if it points where plain praise does; else None."""
    middle = embedder(PHRASES).mean(axis=0)
    middle /= np.linalg.norm(middle)
    if not len(centroids):
        return None
    scores = centroids @ middle
    best = int(scores.argmax())
    return best if scores[best] >= SIMILARITY else None


def praise_rows(vectors: np.ndarray, embedder: Embedder) -> np.ndarray:
    """Which rows of ``vectors`` (normalised; all zeros for no words) are plain praise."""
    return (vectors @ embedder(PHRASES).T).max(axis=1) >= SIMILARITY


def gather_praise(vectors: np.ndarray, found: Clustering, embedder: Embedder,
                  min_size: int) -> Clustering:
    """``found`` with the unthemed praise among ``vectors`` (normalised rows) themed."""
    unthemed = found.labels == UNTHEMED
    if not unthemed.any():
        return found
    praise = praise_rows(vectors, embedder)
    loose = unthemed & praise
    if not loose.any():
        return found
    labels = found.labels.copy()
    themed_praise = labels[praise & ~unthemed]
    home = UNTHEMED
    if len(themed_praise):
        best = int(np.bincount(themed_praise).argmax())
        if 2 * np.sum(themed_praise == best) >= np.sum(labels == best):
            home = best
    if home == UNTHEMED:
        if loose.sum() < min_size:
            return found
        home = found.count
    labels[loose] = home
    return clustering_of(vectors, labels)
