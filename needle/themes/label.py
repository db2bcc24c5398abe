"""Readable labels: a name (see :mod:`needle.themes.name`), keywords by class-based TF-IDF that
occur in the theme's quotes, and the quotes nearest the centroid.

Keywords are drawn from a longer c-TF-IDF list and kept only when one of the quotes holds them,
so the keywords a person reads next to a quote are words of that quote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from needle.themes.name import Embedder, theme_names

KEYWORDS = 6
# Ends of contractions ("I've", "don't") that the word pattern leaves behind, and fillers that
# say how someone feels, not what about.
_NOT_KEYWORDS = {"ve", "ll", "re", "don", "didn", "doesn", "isn", "wasn", "won", "couldn",
                 "shouldn", "fix", "please", "thanks", "thank", "honestly", "ugh", "hi", "hello"}
KEYWORD_POOL = 30  # c-TF-IDF terms looked at, of which those in the quotes are kept
QUOTES = 3
DUPLICATE_QUOTE = 0.95
# Words of two letters or more, so fragments such as "s" or "t" never become keywords.
_TOKENS = r"(?u)\b[^\W\d_][^\W\d_']+\b"


@dataclass(frozen=True)
class Labels:
    label: str
    keywords: list[str]
    quotes: list[int]


def keywords(texts_by_theme: Sequence[Sequence[str]], top: int = KEYWORDS) -> list[list[str]]:
    """Top c-TF-IDF unigrams and bigrams per theme, English stop words removed."""
    documents = [" ".join(texts) for texts in texts_by_theme]
    if not any(doc.strip() for doc in documents):
        return [[] for _ in documents]
    vectorizer = CountVectorizer(stop_words="english", ngram_range=(1, 2), token_pattern=_TOKENS)
    try:
        counts = vectorizer.fit_transform(documents).toarray().astype(np.float64)
    except ValueError:  # every word was a stop word
        return [[] for _ in documents]
    terms = vectorizer.get_feature_names_out()
    tf = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    average = counts.sum() / len(documents)
    idf = np.log(1 + average / np.maximum(counts.sum(axis=0), 1))
    scores = tf * idf
    return [_top_terms(terms, row, top) for row in scores]


def _top_terms(terms: np.ndarray, scores: np.ndarray, top: int) -> list[str]:
    """Best terms, skipping a word already shown inside a chosen bigram (and vice versa)."""
    chosen: list[str] = []
    for index in np.argsort(-scores):
        if scores[index] <= 0 or len(chosen) == top:
            break
        term = str(terms[index])
        words = set(term.split())
        if any(words & set(other.split()) for other in chosen):
            continue
        chosen.append(term)
    return chosen


def quotes(vectors: np.ndarray, centroid: np.ndarray, top: int = QUOTES) -> list[int]:
    """Row numbers of the texts nearest the centroid, skipping near-copies of one already taken."""
    order = np.argsort(-(vectors @ centroid), kind="stable")
    taken: list[int] = []
    for row in order:
        if all(float(vectors[row] @ vectors[other]) < DUPLICATE_QUOTE for other in taken):
            taken.append(int(row))
        if len(taken) == top:
            break
    return taken


def label_themes(
    texts_by_theme: Sequence[Sequence[str]],
    vectors_by_theme: Sequence[np.ndarray],
    centroids: np.ndarray,
    embedder: Embedder,
) -> list[Labels]:
    """Name, keywords and quote rows (indexes into each theme's texts) for every theme; give
    the largest theme first, since it chooses its name first. Texts are prepared texts."""
    pools = keywords(texts_by_theme, KEYWORD_POOL)
    names = theme_names(texts_by_theme, centroids, embedder)
    out = []
    for texts, vectors, centroid, pool, name in zip(
        texts_by_theme, vectors_by_theme, centroids, pools, names, strict=True
    ):
        rows = quotes(vectors, centroid)
        quoted = {w for row in rows for w in _words(texts[row])}
        terms = [t for t in pool if all(w in quoted and w not in _NOT_KEYWORDS for w in t.split())
                 ][:KEYWORDS]
        out.append(Labels(name, terms, rows))
    return out


def _words(text: str) -> list[str]:
    return [w.lower() for w in re.findall(_TOKENS, text)]
