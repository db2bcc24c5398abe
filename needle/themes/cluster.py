"""Grouping normalised embeddings into themes without being told how many there are.

Method (chosen on BANKING77 train only; see docs/themes.md for the measurements):

1. Near-copies (cosine >= ``duplicate_similarity``: the same text up to case, punctuation, a
   greeting, a signature or a ticket number) are collapsed to one point, so a ticket pasted ten
   times, even with small edits, cannot form a theme.
2. A k-nearest-neighbour graph on cosine similarity, with sharpened weights
   ``exp(-(1 - cos) / temperature)`` so that close neighbours dominate.
3. Louvain communities (networkx) on that graph. Modularity's resolution decides how fine the
   themes are; it depends on the data's size only (:func:`resolution_for`), so the number of
   themes a person reads grows slowly with the data and stops growing past a few thousand pieces.
4. Communities smaller than ``min_size`` are dissolved; their members join the nearest remaining
   theme when their cosine to its centroid reaches ``min_similarity``, else they are unthemed.
5. Themes whose centroids are near-duplicates (cosine >= ``merge_similarity``) are merged.
6. A member whose mean cosine to the other members of its theme is below ``min_cohesion`` is
   unthemed: noise that modularity had to put somewhere stays out of themes. A theme left with
   fewer than ``min_size`` points is unthemed too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx
import numpy as np
from scipy.sparse.csgraph import connected_components
from sklearn.neighbors import NearestNeighbors

UNTHEMED = -1


@dataclass(frozen=True)
class ClusterParams:
    neighbours: int = 10
    temperature: float = 0.1
    resolution: float = 4.0
    full_resolution_size: int = 3000
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
    params = params or ClusterParams()
    points, point_of = _collapse_copies(vectors, params.duplicate_similarity)
    labels = _communities(points, params)
    labels = _dissolve_small(points, labels, params)
    labels = _merge_near_duplicates(points, labels, params.merge_similarity)
    labels = _drop_incoherent(points, labels, params.min_cohesion)
    labels = _drop_small(labels, params.min_size)
    labels = labels[point_of]
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


def resolution_for(size: int, params: ClusterParams) -> float:
    """Modularity resolution, peaking at ``full_resolution_size`` pieces.

    On a k-NN graph Louvain finds about ``sqrt(resolution * size)`` communities. Growing the
    resolution as ``sqrt(size)`` below the peak lets the theme count grow like ``size ** 0.75``
    (small sets are not chopped up); shrinking it as ``1 / size`` above holds the count steady,
    so a person never faces hundreds of themes.
    """
    ratio = max(size, 1) / params.full_resolution_size
    return params.resolution * min(math.sqrt(ratio), 1.0 / ratio)


def nearest(vectors: np.ndarray, centroids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of, and cosine similarity to, the nearest centroid of each row."""
    if len(centroids) == 0:
        return np.full(len(vectors), UNTHEMED), np.zeros(len(vectors), dtype=np.float32)
    scores = vectors @ centroids.T
    best = scores.argmax(axis=1)
    return best, scores[np.arange(len(vectors)), best]


def _communities(vectors: np.ndarray, params: ClusterParams) -> np.ndarray:
    size = len(vectors)
    if size < 2:
        return np.zeros(size, dtype=int)
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
    groups = nx.community.louvain_communities(
        graph, weight="weight", resolution=resolution_for(size, params), seed=params.seed
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


def _drop_small(labels: np.ndarray, min_size: int) -> np.ndarray:
    """Unthemed: the members of themes left with fewer than ``min_size`` points (after
    incoherent members left, a theme can be a near-copy group and little else)."""
    themed = labels != UNTHEMED
    if not themed.any():
        return labels
    small = themed & (np.bincount(labels[themed])[np.where(themed, labels, 0)] < min_size)
    return _renumber(np.where(small, UNTHEMED, labels)) if small.any() else labels


def _drop_incoherent(vectors: np.ndarray, labels: np.ndarray, threshold: float) -> np.ndarray:
    """Unthemed: members whose mean cosine to the rest of their theme is below ``threshold``."""
    themed = labels != UNTHEMED
    if not themed.any():
        return labels
    sums = np.zeros((int(labels.max()) + 1, vectors.shape[1]))
    np.add.at(sums, labels[themed], vectors[themed])
    sizes = np.bincount(labels[themed])
    own = np.einsum("ij,ij->i", vectors[themed], sums[labels[themed]]) - 1.0
    cohesion = own / np.maximum(sizes[labels[themed]] - 1, 1)
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
