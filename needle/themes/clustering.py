"""Grouping normalised embeddings into themes without being told how many there are.

Method (chosen on BANKING77 train only; see docs/themes.md for the measurements):

1. Near-copies (cosine >= ``duplicate_similarity``: the same text up to case, punctuation, a
   greeting, a signature or a ticket number) are collapsed to one point, so a ticket pasted ten
   times, even with small edits, cannot form a theme.
2. A k-nearest-neighbour graph on cosine similarity, with sharpened weights
   ``exp(-(1 - cos) / temperature)`` so that close neighbours dominate.
3. Louvain communities (networkx) on that graph. Modularity's resolution decides how fine the
   themes are, and no one value suits every corpus: ten intents in 500 texts want a coarse one,
   77 intents in 1,000 texts a fine one. So steps 3-6 run at resolutions from ``coarsest``
   up, each ``step`` (the square root of 2) times the last, and the first result whose themes
   are tight enough wins: the mean, over themed points, of a point's cosine to the other points
   of its theme reaches ``cohesion`` (or ``finest`` is reached). That mean has no bias with the
   corpus's size (a point's cosine to itself is left out), so the same subjects make about the
   same number of themes in 500 texts as in 5,000: it is a property of the embedding model,
   chosen on random subsets of BANKING77 train of 500 to 2,000 queries (77 intents in each:
   0.74-1.14 themes per intent). Choosing by silhouette instead (the coarsest result within 5%
   of the best) depended on where a nearly flat curve first came near its top, and gave
   0.49-1.31 themes per intent on the same subsets. Past ``selection_size`` points the choice
   is made on a random sample of that many and the resolution scaled to the whole by
   ``(sample / size) ** size_exponent``: Louvain on a k-NN graph finds about
   ``sqrt(resolution * size)`` communities, and the exponent 1.25 (rather than 1) is what gave
   the whole of BANKING77 train the theme count of its sample. Choosing costs runs on the
   sample only.
4. Communities smaller than ``min_size`` are dissolved; their members join the nearest remaining
   theme when their cosine to its centroid reaches ``min_similarity``, else they are unthemed.
5. Themes whose centroids are near-duplicates (cosine >= ``merge_similarity``) are merged.
6. A member whose mean cosine to the other members of its theme is below ``min_cohesion`` is
   unthemed: noise that modularity had to put somewhere stays out of themes. A theme left with
   fewer than ``min_size`` pieces, or fewer than ``min_size`` wordings, is unthemed too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx
import numpy as np
import sklearn
from scipy.sparse.csgraph import connected_components
from sklearn.neighbors import NearestNeighbors

UNTHEMED = -1
WORKING_MEMORY_MB = 64  # largest block of pairwise distances scikit-learn may hold


@dataclass(frozen=True)
class ClusterParams:
    neighbours: int = 10
    temperature: float = 0.1
    coarsest: float = 0.5  # the first resolution tried
    finest: float = 64.0  # the last
    step: float = 2 ** 0.5  # ratio of successive resolutions
    cohesion: float = 0.615  # mean cosine of a point to the rest of its theme that is enough
    selection_size: int = 3000  # points the resolution is chosen on
    size_exponent: float = 1.25  # how the chosen resolution shrinks for the whole
    min_size: int = 3
    min_similarity: float = 0.3
    min_cohesion: float = 0.25
    merge_similarity: float = 0.9
    duplicate_similarity: float = 0.97
    seed: int = 0


@dataclass(frozen=True)
class Clustering:
    """``labels[i]`` is the theme of row i (``UNTHEMED`` for none); centroids are normalised."""

    labels: np.ndarray
    centroids: np.ndarray
    similarity: np.ndarray

    @property
    def count(self) -> int:
        return len(self.centroids)


def cluster(vectors: np.ndarray, params: ClusterParams | None = None) -> Clustering:
    """Themes for the rows of ``vectors`` (L2-normalised embeddings)."""
    # scikit-learn computes neighbours in blocks of distances of up to 1 GB by
    # default: with 64 MB blocks the same result costs 0.9 GB less at 10,000 pieces
    with sklearn.config_context(working_memory=WORKING_MEMORY_MB):
        return _cluster(vectors, params or ClusterParams())


def _cluster(vectors: np.ndarray, params: ClusterParams) -> Clustering:
    points, point_of = _collapse_copies(vectors, params.duplicate_similarity)
    rows = np.bincount(point_of, minlength=len(points))
    graph = _graph(points, params)
    if len(points) <= params.selection_size:
        labels = _best(points, rows, graph, params)[1]
    else:
        # choose on a sample, then keep its theme count on the whole (see the module's notes)
        pick = np.random.default_rng(params.seed).choice(
            len(points), params.selection_size, replace=False)
        sample = points[pick]
        chosen = _best(sample, rows[pick], _graph(sample, params), params)[0]
        resolution = chosen * (params.selection_size / len(points)) ** params.size_exponent
        labels = _themes(points, rows, graph, resolution, params)
    return clustering_of(vectors, labels[point_of])


def clustering_of(vectors: np.ndarray, labels: np.ndarray) -> Clustering:
    """The clustering that puts row i of ``vectors`` in theme ``labels[i]``."""
    centroids = _centroids(vectors, labels)
    similarity = np.zeros(len(vectors), dtype=np.float32)
    themed = labels != UNTHEMED
    similarity[themed] = np.einsum("ij,ij->i", vectors[themed], centroids[labels[themed]])
    return Clustering(labels, centroids, similarity)


def _collapse_copies(vectors: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """One normalised point per group of near-copies (linked, transitively, by cosine at least
    ``threshold``), and the point of each row. Exact copies go first, so a text pasted a thousand
    times costs one row in the neighbour search."""
    unique, inverse = np.unique(vectors, axis=0, return_inverse=True)
    if len(unique) < 2:
        return unique, inverse.ravel()
    links = NearestNeighbors(radius=1 - threshold, metric="cosine").fit(unique)
    count, group = connected_components(links.radius_neighbors_graph(unique), directed=False)
    sums = np.zeros((count, unique.shape[1]), dtype=np.float64)
    np.add.at(sums, group, unique)
    points = (sums / np.linalg.norm(sums, axis=1, keepdims=True)).astype(np.float32)
    return points, group[inverse.ravel()]


def _best(points: np.ndarray, rows: np.ndarray, graph: nx.Graph | None,
          params: ClusterParams) -> tuple[float, np.ndarray]:
    """The chosen resolution and each point's theme at it: the coarsest whose themes are
    tight enough (see the module's notes)."""
    resolutions = resolutions_for(params) if len(points) > 2 else [1.0]
    for resolution in resolutions:
        labels = _themes(points, rows, graph, resolution, params)
        if cohesion(points, labels) >= params.cohesion:
            break
    return resolution, labels


def cohesion(points: np.ndarray, labels: np.ndarray, counts: np.ndarray | None = None
             ) -> float:
    """Mean over themed unit vectors of their mean cosine to the other vectors of their group
    (0 when none is themed). A row of ``points`` may be the sum of ``counts`` unit vectors (one
    each by default): the cosines of a group's n vectors to the others add up to |sum|^2 - n,
    so no pairwise matrix is needed."""
    themed = labels != UNTHEMED
    if not themed.any():
        return 0.0
    members = labels[themed]
    sums = np.zeros((int(members.max()) + 1, points.shape[1]))
    np.add.at(sums, members, points[themed].astype(np.float64))
    sizes = np.bincount(members, weights=None if counts is None else counts[themed])
    sizes = sizes.astype(np.float64)
    pairs = np.einsum("ij,ij->i", sums, sums) - sizes
    return float((pairs / np.maximum(sizes - 1, 1)).sum() / sizes.sum())


def resolutions_for(params: ClusterParams) -> list[float]:
    """The resolutions tried: ``coarsest`` to ``finest``, ``step`` apart."""
    count = math.floor(math.log(params.finest / params.coarsest, params.step) + 1e-9) + 1
    return [params.coarsest * params.step ** i for i in range(count)]


def _themes(points: np.ndarray, rows: np.ndarray, graph: nx.Graph | None, resolution: float,
            params: ClusterParams) -> np.ndarray:
    """Steps 3-6 at one resolution: each point's theme."""
    labels = _communities(graph, len(points), resolution, params.seed)
    labels = _dissolve_small(points, labels, params)
    labels = _merge_near_duplicates(points, labels, params.merge_similarity)
    labels = _drop_incoherent(points, labels, params.min_cohesion, rows)
    return _drop_small(labels, params.min_size, rows)


def nearest(vectors: np.ndarray, centroids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of, and cosine similarity to, the nearest centroid of each row."""
    if len(centroids) == 0:
        return np.full(len(vectors), UNTHEMED), np.zeros(len(vectors), dtype=np.float32)
    scores = vectors @ centroids.T
    best = scores.argmax(axis=1)
    return best, scores[np.arange(len(vectors)), best]


def _graph(vectors: np.ndarray, params: ClusterParams) -> nx.Graph | None:
    """The weighted k-nearest-neighbour graph of the points (None for fewer than two)."""
    size = len(vectors)
    if size < 2:
        return None
    k = min(params.neighbours, size - 1)
    distance, index = NearestNeighbors(n_neighbors=k + 1, metric="cosine").fit(
        vectors).kneighbors(vectors)
    graph = nx.Graph()
    graph.add_nodes_from(range(size))
    weights = np.exp(-distance[:, 1:] / params.temperature)
    graph.add_weighted_edges_from(
        (i, int(j), float(w))
        for i in range(size) for j, w in zip(index[i, 1:], weights[i], strict=True) if i != j
    )
    return graph


def _communities(graph: nx.Graph | None, size: int, resolution: float, seed: int) -> np.ndarray:
    if graph is None:
        return np.zeros(size, dtype=int)
    groups = nx.community.louvain_communities(
        graph, weight="weight", resolution=resolution, seed=seed
    )
    labels = np.empty(size, dtype=int)
    for number, members in enumerate(sorted(groups, key=len, reverse=True)):
        labels[list(members)] = number
    return labels


def _centroids(vectors: np.ndarray, labels: np.ndarray) -> np.ndarray:
    count = int(labels.max()) + 1 if (labels != UNTHEMED).any() else 0
    sums = np.zeros((count, vectors.shape[1]), dtype=np.float64)
    themed = labels != UNTHEMED
    np.add.at(sums, labels[themed], vectors[themed])
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return (sums / np.where(norms == 0, 1, norms)).astype(np.float32)


def _renumber(labels: np.ndarray) -> np.ndarray:
    """Labels 0..n-1 by decreasing size; UNTHEMED stays."""
    themed = labels != UNTHEMED
    values, counts = np.unique(labels[themed], return_counts=True)
    order = values[np.argsort(-counts, kind="stable")]
    mapping = {int(old): new for new, old in enumerate(order)}
    out = np.full(len(labels), UNTHEMED)
    out[themed] = [mapping[int(v)] for v in labels[themed]]
    return out


def _dissolve_small(vectors: np.ndarray, labels: np.ndarray, params: ClusterParams) -> np.ndarray:
    counts = np.bincount(labels)
    small = counts[labels] < params.min_size
    if not small.any() or small.all():
        return labels if not small.all() else np.full(len(labels), UNTHEMED)
    kept = _renumber(np.where(small, UNTHEMED, labels))
    best, score = nearest(vectors[small], _centroids(vectors, kept))
    kept[small] = np.where(score >= params.min_similarity, best, UNTHEMED)
    return kept


def _drop_small(labels: np.ndarray, min_size: int, rows: np.ndarray) -> np.ndarray:
    """Unthemed: the members of themes left with fewer than ``min_size`` pieces (``rows``
    counts the pieces of each point: each imported row is a person's) or with fewer than
    ``min_size`` wordings (points): a text pasted many times, even with small edits, is not a
    theme, three wordings said by thirty people are."""
    themed = labels != UNTHEMED
    if not themed.any():
        return labels
    sizes = np.bincount(labels[themed], weights=rows[themed])
    wordings = np.bincount(labels[themed])
    where = np.where(themed, labels, 0)
    small = themed & ((sizes[where] < min_size) | (wordings[where] < min_size))
    return _renumber(np.where(small, UNTHEMED, labels)) if small.any() else labels


def _drop_incoherent(vectors: np.ndarray, labels: np.ndarray, threshold: float,
                     rows: np.ndarray) -> np.ndarray:
    """Unthemed: members whose mean cosine to the other pieces of their theme (``rows``
    counts the pieces of each point; a point's own copies do not vouch for it) is below
    ``threshold``."""
    themed = labels != UNTHEMED
    if not themed.any():
        return labels
    weights = rows[themed].astype(np.float64)
    sums = np.zeros((int(labels.max()) + 1, vectors.shape[1]))
    np.add.at(sums, labels[themed], vectors[themed] * weights[:, None])
    sizes = np.bincount(labels[themed], weights=weights)
    own = np.einsum("ij,ij->i", vectors[themed], sums[labels[themed]]) - weights
    cohesion = own / np.maximum(sizes[labels[themed]] - weights, 1)
    out = labels.copy()
    out[np.flatnonzero(themed)[cohesion < threshold]] = UNTHEMED
    return _renumber(out)


def _merge_near_duplicates(vectors: np.ndarray, labels: np.ndarray, threshold: float) -> np.ndarray:
    """Union themes whose centroids are at least ``threshold`` similar (transitively)."""
    centroids = _centroids(vectors, labels)
    if len(centroids) < 2:
        return labels
    close = np.argwhere(np.triu(centroids @ centroids.T >= threshold, k=1))
    graph = nx.Graph()
    graph.add_nodes_from(range(len(centroids)))
    graph.add_edges_from(map(tuple, close))
    root = {node: min(group) for group in nx.connected_components(graph) for node in group}
    merged = np.array([root[int(v)] if v != UNTHEMED else UNTHEMED for v in labels])
    return _renumber(merged)
