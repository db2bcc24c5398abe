"""Readable labels: keywords by class-based TF-IDF, quotes nearest the centroid, a short label.

The short label is the clause of the most representative text that holds most keywords, shortened:
people recognise a theme in a customer's words far more reliably than in a list of keywords, and
the clause choice drops greetings such as "Hi team,".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

KEYWORDS = 6
QUOTES = 3
LABEL_WORDS = 9
DUPLICATE_QUOTE = 0.95
# Words of two letters or more, so fragments such as "s" or "t" never become keywords.
_TOKENS = r"(?u)\b[^\W\d_][^\W\d_']+\b"
# Sentence ends, line breaks and commas: the clauses a label is picked from.
_CLAUSES = re.compile(r"(?<=[.!?])\s+|\n+|,\s+")


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


def key_phrase(text: str, terms: Sequence[str]) -> str:
    """The clause of ``text`` holding most keyword words, so "Hi team, X is broken" gives X."""
    wanted = {w for term in terms for w in term.split()}
    clauses = [c.strip() for c in _CLAUSES.split(text) if c.strip()] or [text]
    return max(clauses, key=lambda c: sum(w in wanted for w in _words(c)))


def _words(text: str) -> list[str]:
    return [w.lower() for w in re.findall(_TOKENS, text)]


def shorten(text: str, words: int = LABEL_WORDS) -> str:
    """The first ``words`` words of a one-line version of ``text``."""
    parts = text.split()
    short = " ".join(parts[:words]).rstrip(".,;:!?")
    return short + ("…" if len(parts) > words else "")


def label_themes(
    texts_by_theme: Sequence[Sequence[str]],
    vectors_by_theme: Sequence[np.ndarray],
    centroids: np.ndarray,
) -> list[Labels]:
    """Label, keywords and quote rows (indexes into each theme's texts) for every theme."""
    words = keywords(texts_by_theme)
    out = []
    for texts, vectors, centroid, terms in zip(
        texts_by_theme, vectors_by_theme, centroids, words, strict=True
    ):
        rows = quotes(vectors, centroid)
        label = shorten(key_phrase(texts[rows[0]], terms)) if rows else ""
        out.append(Labels(label, terms, rows))
    return out
