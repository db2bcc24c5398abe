"""Embeddings cached by content hash in one ``.npz`` file under the workspace cache folder.

A file rather than store rows: vectors are derived data that any machine can rebuild, a team's
PostgreSQL store should not carry megabytes of them, and loading 10,000 vectors from one ``.npz``
takes milliseconds where 10,000 BLOB rows take far longer. The file is replaced atomically, so a
crash never leaves half of it; two writers at once only lose cache entries, never correctness.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from needle.themes.embed import DIMENSIONS, MODEL_NAME, embed, text_hash


class EmbeddingCache:
    """Vectors keyed by :func:`~needle.themes.embed.text_hash`; only unseen texts are embedded."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / f"embeddings-{MODEL_NAME}.npz"
        self._index: dict[str, int] = {}
        self._vectors = np.empty((0, DIMENSIONS), dtype=np.float32)
        if self.path.exists():
            with np.load(self.path) as data:
                keys, self._vectors = data["keys"], data["vectors"]
            self._index = {key.decode("ascii"): row for row, key in enumerate(keys.tolist())}

    def __len__(self) -> int:
        return len(self._index)

    def vectors(
        self, texts: Sequence[str], progress: Callable[[int, int], None] | None = None
    ) -> np.ndarray:
        """One normalised vector per text, embedding (and saving) only texts not cached yet."""
        hashes = [text_hash(text) for text in texts]
        missing = {h: t for h, t in zip(hashes, texts, strict=True) if h not in self._index}
        if missing:
            todo = list(missing.values())
            report = None if progress is None else (lambda done: progress(done, len(todo)))
            self._add(list(missing), embed(todo, report))
        return self._vectors[[self._index[h] for h in hashes]]

    def _add(self, hashes: list[str], vectors: np.ndarray) -> None:
        start = len(self._vectors)
        self._vectors = np.concatenate([self._vectors, vectors.astype(np.float32)])
        self._index.update((h, start + i) for i, h in enumerate(hashes))
        self._save()

    def _save(self) -> None:
        keys = np.array(sorted(self._index, key=self._index.__getitem__), dtype="S64")
        partial = self.path.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(partial, keys=keys, vectors=self._vectors)
        os.replace(partial, self.path)
