"""The evidence themes are built from: original texts for display, prepared texts (see
:mod:`needle.themes.prepare`) for embedding and naming, and the cached embeddings."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from needle.evidence.models import Evidence
from needle.themes.cache import EmbeddingCache
from needle.themes.embed import DIMENSIONS
from needle.themes.name import Embedder
from needle.themes.prepare import prepare


@dataclass(frozen=True)
class Corpus:
    """Parallel columns of evidence plus one normalised vector per row (all zeros where the
    prepared text is empty: there are no words to theme); ``embedder`` embeds more texts
    through the same cache."""

    ids: list[int]
    texts: list[str]
    prepared: list[str]
    customers: list[str | None]
    created: list[datetime | None]
    vectors: np.ndarray
    embedder: Embedder

    @property
    def has_words(self) -> np.ndarray:
        return np.array([bool(text) for text in self.prepared], dtype=bool)

    def __len__(self) -> int:
        return len(self.ids)

    def rows(self, ids: Iterable[int]) -> list[int]:
        position = {evidence_id: row for row, evidence_id in enumerate(self.ids)}
        return [position[i] for i in ids]


def load_corpus(
    cache_dir: Path,
    session: Session,
    only: Iterable[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Corpus:
    """Every piece of evidence (or the ``only`` ids), embedded through the cache in
    ``cache_dir``; texts are prepared together with all the evidence, so a template line is
    recognised however few pieces are asked for."""
    query = select(Evidence.id, Evidence.text, Evidence.customer, Evidence.created_at).order_by(
        Evidence.id)
    rows = session.execute(query).all()
    prepared = prepare([row.text for row in rows])
    if only is not None:
        wanted = set(only)
        keep = [i for i, row in enumerate(rows) if row.id in wanted]
        rows, prepared = [rows[i] for i in keep], [prepared[i] for i in keep]
    cache = EmbeddingCache(cache_dir)
    vectors = np.zeros((len(rows), DIMENSIONS), dtype=np.float32)
    worded = [i for i, text in enumerate(prepared) if text]
    if worded:
        vectors[worded] = cache.vectors([prepared[i] for i in worded], progress)
    return Corpus([row.id for row in rows], [row.text for row in rows], prepared,
                  [row.customer for row in rows], [row.created_at for row in rows], vectors,
                  cache.vectors)
