"""Keywords, quotes and short labels."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from needle.themes.label import keywords, quotes, shorten

THEMES = [
    ["my card has not arrived yet", "when will my new card arrive", "card still has not arrived"],
    ["what is the exchange rate", "the exchange rate was wrong", "exchange rate for euros"],
]


def test_keywords_name_each_theme_without_stop_words_or_fragments() -> None:
    found = keywords(THEMES)
    assert any("arrive" in term for term in found[0])
    assert "exchange rate" in found[1]
    for terms in found:
        words = {w for term in terms for w in term.split()}
        assert not words & ENGLISH_STOP_WORDS
        assert all(len(w) >= 2 for w in words)


def test_keywords_of_stop_words_only_are_empty() -> None:
    assert keywords([["the and of"], ["it is"]]) == [[], []]


def test_quotes_are_nearest_the_centroid_and_skip_near_copies() -> None:
    vectors = np.array([[1, 0], [1, 0], [0.9, 0.43589], [0.6, 0.8]], dtype=np.float32)
    assert quotes(vectors, np.array([1.0, 0.0], dtype=np.float32)) == [0, 2, 3]


@pytest.mark.parametrize(("text", "short"), [
    ("My card has not arrived yet.", "My card has not arrived yet"),
    ("one two three four five six seven eight nine ten", "one two three four five six seven "
     "eight nine…"),
    ("  spaced\n out  ", "spaced out"),
])
def test_shorten(text: str, short: str) -> None:
    assert shorten(text) == short
