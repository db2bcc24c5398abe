"""Clustering real support queries (BANKING77 train) plus planted noise, copies, a small theme."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from needle.themes.clustering import UNTHEMED, cluster
from needle.themes.embed import embed

NOISE = [
    "The recipe needs two cups of flour and an egg.",
    "The volcano erupted in 1815 and cooled the planet.",
    "My cat sleeps all day on the sofa.",
    "Football season starts next week in the city.",
    "Mount Everest is the highest mountain on Earth.",
    "The orchestra played Beethoven's ninth symphony.",
    "How do I repot a cactus without getting spiked?",
    "Photosynthesis converts sunlight into chemical energy.",
]
SMALL = [
    "Please add a dark mode to the app",
    "I want a dark theme, the white screen hurts my eyes at night",
    "Is there a night mode? The bright interface is too much",
    "dark mode please!! my eyes",
]
COPY = "I lost my card yesterday, please block it"
# one off-topic message sent eight times with small edits: alike enough to form a theme alone
NEAR_COPIES = [f"{greeting}Your gardening newsletter is lovely, please send more tips{end}"
               for greeting, end in [("", ""), ("Hi, ", ""), ("", "!!"), ("", " Thanks, Ann"),
                                     ("hello team ", "."), ("", " (ref 4411)"), ("", " :)"),
                                     ("Dear all, ", " Regards")]]


@pytest.fixture(scope="module")
def planted(sample: pd.DataFrame, model: Any) -> tuple[np.ndarray, np.ndarray, int]:
    """Labels for sample + NOISE + SMALL + NEAR_COPIES + 8 copies of COPY, and the sample's
    size."""
    texts = [*sample.text, *NOISE, *SMALL, *NEAR_COPIES, *[COPY] * 8]
    return cluster(embed(texts)).labels, np.asarray(sample.category, dtype=object), len(sample)


def test_recovers_the_intents_without_being_told_how_many(planted) -> None:
    labels, gold, n = planted
    assert normalized_mutual_info_score(gold, labels[:n]) >= 0.85
    assert adjusted_rand_score(gold, labels[:n]) >= 0.7
    assert 6 <= len(set(labels[:n]) - {UNTHEMED}) <= 16
    assert (labels[:n] == UNTHEMED).mean() <= 0.05


def test_noise_is_unthemed(planted) -> None:
    labels, _, n = planted
    assert (labels[n : n + len(NOISE)] == UNTHEMED).sum() >= len(NOISE) - 1


def test_a_small_coherent_theme_is_kept_on_its_own(planted) -> None:
    labels, _, n = planted
    small = labels[n + len(NOISE) : n + len(NOISE) + len(SMALL)]
    assert len(set(small)) == 1 and small[0] != UNTHEMED
    assert (labels == small[0]).sum() == len(SMALL)


def test_copies_collapse_into_the_theme_they_belong_to(planted, sample: pd.DataFrame) -> None:
    labels, gold, n = planted
    copies = labels[-8:]
    assert len(set(copies)) == 1
    stolen = labels[:n][gold == "lost_or_stolen_card"]
    assert copies[0] == np.bincount(stolen[stolen != UNTHEMED]).argmax()


def test_near_copies_do_not_make_a_theme_of_their_own(planted) -> None:
    labels, _, n = planted
    start = n + len(NOISE) + len(SMALL)
    near = labels[start : start + len(NEAR_COPIES)]
    assert len(set(near)) == 1  # collapsed: they go together
    assert near[0] == UNTHEMED or (labels == near[0]).sum() > len(NEAR_COPIES)


@pytest.mark.parametrize(("intents", "each", "most"), [(8, 50, 1.5), (40, 10, 1.3)])
def test_the_theme_count_follows_the_intents_not_the_size(train: pd.DataFrame, model: Any,
                                                          intents: int, each: int,
                                                          most: float) -> None:
    """400 queries either way: few intents make few themes, many make many. Themes are cut
    as tight as BANKING77's intents are on average, so a few broad intents come out finer
    (50 queries each of 8 intents make 12 themes: age limits split in two, 31 and 18)."""
    names = sorted(train.category.unique())[:intents]
    picked = train[train.category.isin(names)].groupby("category").head(each)
    labels = cluster(embed(list(picked.text))).labels
    themes = len(set(labels.tolist()) - {UNTHEMED})
    assert 0.7 * intents <= themes <= most * intents
    assert normalized_mutual_info_score(picked.category, labels) >= 0.8


@pytest.mark.parametrize("rows", [0, 1, 2])
def test_tiny_inputs(rows: int, model: Any) -> None:
    found = cluster(embed(["my card was stolen", "my card got stolen"][:rows]))
    assert len(found.labels) == rows
