"""Keywords, quotes and names."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from needle.themes.label import keywords, quotes
from needle.themes.name import theme_names

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


def test_names_are_shared_phrases_chosen_by_meaning_and_unique(model) -> None:
    from needle.themes.embed import embed

    texts = [["The CSV export fails on large boards", "csv export fails again today",
              "Our CSV export fails with a timeout"],
             ["CSV export fails for me too", "the csv export fails on every board",
              "csv export fails when the board is big"]]
    centroids = np.stack([embed([" ".join(t)])[0] for t in texts])
    names = theme_names(texts, centroids, embed)
    assert names[0] in ("CSV export fails", "The CSV export fails") or names[0].startswith("CSV")
    assert len({n.lower() for n in names}) == 2
    for name in names:
        assert 2 <= len(name.split()) <= 6 and len(name) <= 60 and "…" not in name


@pytest.mark.parametrize("texts", [
    ["After the update I get logged out every day", "Since the update I get logged out again",
     "I get logged out after every update"],
    ["The RSS feed uses the build time", "RSS feed uses the wrong date",
     "our rss feed uses the modified date"],
    ["Only admins can create projects", "admins can create boards, nobody else",
     "why admins can create teams and leads cannot"],
    ["An ad covers the save button", "the ad covers the text field", "ad covers the keyboard"],
    ["The app closes as soon as I open a note", "app closes as soon as I tap save",
     "closes as soon as it starts"],
])
def test_names_are_never_cut_fragments(texts: list[str], model) -> None:
    """Whole phrases, not the shared start of a clause cut before its object, particle or
    comparison ('Update I get logged', 'RSS feed uses', 'Admins can create', 'Ad covers',
    'App closes as soon')."""
    from needle.themes.embed import embed

    name = theme_names([texts], embed([" ".join(texts)]), embed)[0]
    last = name.split()[-1].lower()
    assert last not in {"logged", "uses", "create", "covers", "soon"} | ENGLISH_STOP_WORDS, name
    assert not {"i", "it", "me"} & {w.lower() for w in name.split()}, name
