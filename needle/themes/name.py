"""Names people would write: a short phrase from the theme's own words, chosen by meaning.

Candidates are the phrases of 2 to 6 words that several of a theme's (prepared) texts share,
neither starting nor ending with a stop word ("csv export fails", "sign in with google"). Each is
embedded with the same model as the evidence and scored by its cosine to the theme's centroid,
the way KeyBERT scores keyphrases, so the name says what the theme's texts say together rather
than what one text says first. A phrase is never cut: a name is a whole candidate, at most
``MAX_WORDS`` words and ``MAX_CHARS`` characters. Names are unique ignoring case: a theme whose
best phrase is taken gets its next best.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from needle.themes.praise import NAME as PRAISE
from needle.themes.praise import is_praise

Embedder = Callable[[list[str]], np.ndarray]

MIN_WORDS, MAX_WORDS, MAX_CHARS = 2, 6, 60
CANDIDATES = 12  # most frequent phrases per theme that are scored
# A phrase counts for a theme when at least this share of its texts hold it (and two texts).
MIN_SHARE = 0.05
_TOKEN = re.compile(r"[^\W_][\w'+#.-]*[^\W_]|[^\W_]", re.UNICODE)
_CLAUSE = re.compile(r"[.!?;:()\[\]\"\n]+|,\s|\s-\s")
# Words that make a phrase read as a fragment when it starts or ends with them.
_NUMBERS = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}
_EDGE_STOP = (ENGLISH_STOP_WORDS - _NUMBERS) | {
    "just", "really", "like", "get", "got", "im", "i'm", "i've", "i'd", "it's", "don't", "can't",
    "doesn't", "didn't", "isn't", "won't", "please", "ugh", "honestly", "thanks", "fix"}


def theme_names(
    texts_by_theme: Sequence[Sequence[str]], centroids: np.ndarray, embedder: Embedder,
    taken: set[str] | None = None, max_words: int = MAX_WORDS,
) -> list[str]:
    """One name per theme (in the order given: give the largest first, it chooses first), of
    at most ``max_words`` words."""
    candidates = [_candidates(texts, max_words) for texts in texts_by_theme]
    flat = sorted({phrase for found in candidates for phrase in found})
    vectors = dict(zip(flat, embedder(flat), strict=True)) if flat else {}
    used = {name.lower() for name in (taken or set())}
    names = []
    for found, centroid, texts in zip(candidates, centroids, texts_by_theme, strict=True):
        ranked = sorted(found, key=lambda p: -float(vectors[p] @ centroid))
        name = next((p for p in ranked if p.lower() not in used), None)
        if name is None and PRAISE.lower() not in used and is_praise(centroid, embedder):
            name = PRAISE
        name = name or _fallback(texts, used)
        used.add(name.lower())
        names.append(name)
    return names


def _candidates(texts: Sequence[str], max_words: int = MAX_WORDS) -> list[str]:
    """The theme's most frequent clean phrases, in their most common spelling."""
    counts: Counter[str] = Counter()
    spelling: Counter[str] = Counter()
    for text in texts:
        seen = set()
        for clause in _CLAUSE.split(text):
            words = _TOKEN.findall(clause)
            spelling.update(words)
            seen.update(_phrases([w.lower() for w in words], max_words))
        counts.update(seen)
    floor = max(2, MIN_SHARE * len(texts))
    common = [p for p, c in counts.most_common() if c >= floor][:CANDIDATES * 3]
    # prefer longer phrases among equally frequent ones, then keep the top few
    common.sort(key=lambda p: (-counts[p], -len(p.split())))
    return [_spell(p, spelling) for p in common[:CANDIDATES]]


def _phrases(words: list[str], max_words: int = MAX_WORDS) -> set[str]:
    out = set()
    for size in range(MIN_WORDS, max_words + 1):
        for start in range(len(words) - size + 1):
            part = words[start:start + size]
            if part[0] in _EDGE_STOP or part[-1] in _EDGE_STOP or len(set(part)) < size:
                continue
            phrase = " ".join(part)
            if len(phrase) <= MAX_CHARS and not any(ch.isdigit() for ch in phrase):
                out.add(phrase)
    return out


def _spell(phrase: str, spelling: Counter[str]) -> str:
    """Each word as most texts spell it ("CSV", "Google"), the first letter capitalised."""
    best: dict[str, tuple[int, str]] = {}
    for word, count in spelling.items():
        key = word.lower()
        if count > best.get(key, (0, ""))[0]:
            best[key] = (count, word)
    words = [best.get(w, (0, w))[1] for w in phrase.split()]
    first = words[0]
    words[0] = first if first.isupper() else first[:1].upper() + first[1:]
    return " ".join(words)


def _fallback(texts: Sequence[str], used: set[str]) -> str:
    """When no phrase is shared: the most common words of the theme, made unique."""
    counts = Counter(w.lower() for t in texts for w in _TOKEN.findall(t)
                     if w.lower() not in _EDGE_STOP and not w.isdigit())
    words = [w for w, _ in counts.most_common(MAX_WORDS)] or ["other"]
    for size in range(min(MIN_WORDS, len(words)), len(words) + 1):
        name = _spell(" ".join(words[:size]), Counter(words))
        if name.lower() not in used:
            return name
    number = 2
    while f"{name} {number}".lower() in used:
        number += 1
    return f"{name} {number}"
