"""The evidence themes are built from, read from the store with its cached embeddings."""

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


@dataclass(frozen=True)
class Corpus:
    """Parallel columns of evidence plus one normalised vector per row."""

    ids: list[int]
    texts: list[str]
    customers: list[str | None]
    created: list[datetime | None]
    vectors: np.ndarray

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
    ``cache_dir``."""
    query = select(Evidence.id, Evidence.text, Evidence.customer, Evidence.created_at).order_by(
        Evidence.id)
    if only is not None:
        query = query.where(Evidence.id.in_(list(only)))
    rows = session.execute(query).all()
    texts = [row.text for row in rows]
    vectors = EmbeddingCache(cache_dir).vectors(texts, progress)
    return Corpus([row.id for row in rows], texts, [row.customer for row in rows],
                  [row.created_at for row in rows], vectors)
