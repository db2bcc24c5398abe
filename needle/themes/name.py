"""Names people would write: a short phrase from the theme's own words, chosen by meaning.

Candidates are the phrases of 2 to 6 words that several of a theme's (prepared) texts share and
that read as a headline rather than a fragment ("csv export fails", "sign in with google"): no
stop word, auxiliary or verb stub at either end ("csv export button does"), no pronoun or word
that opens a new clause inside ("app it asks me", "tasks so scrolling"), no modal just before
the last word ("admins can create"), and not cut where most of their texts go on with a
determiner, an object, a particle or "of" ("rss feed uses [the]", "update i get logged [out]"),
or go on with the noun phrase they end in ("ad covers the save [button]"). These rules stand in
for a part-of-speech tagger: none ships with its weights in a package we can install, and the
fragments a tagger would catch here are the few kinds listed. When no phrase is shared, the
theme's clean phrases said once are scored the same way. Each is embedded with the same model
as the evidence and scored by its cosine to the theme's centroid, the way KeyBERT scores
keyphrases, so the name says what the theme's texts say together rather than what one text says
first. A phrase is never cut: a name is a whole candidate, at most ``MAX_WORDS`` words and
``MAX_CHARS`` characters. Names are unique ignoring case: a theme whose best phrase is taken
gets its next best.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence

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
# Words that leave a phrase hanging when it ends with them: auxiliaries, verbs that want a
# complement ("keeps", "tries"), and adverbs that open a comparison ("as soon", "half").
_END_STOP = _EDGE_STOP | {
    "does", "did", "doing", "gets", "getting", "keep", "keeps", "kept", "let", "lets", "make",
    "makes", "try", "tries", "tried", "trying", "want", "wants", "wanted", "need", "needs", "seem",
    "seems", "say", "says", "said", "ask", "asks", "asked", "tell", "tells", "told", "use", "uses",
    "using", "take", "takes", "took", "taking", "look", "looks", "soon", "apart", "half",
    "instead", "able"}
# Words that make any phrase holding them a clause or a fragment of one: personal pronouns and
# the words that open a subordinate clause.
_INNER_STOP = {
    "i", "i'm", "i've", "i'd", "i'll", "me", "it", "it's", "he", "she", "they", "them", "we",
    "us", "you", "because", "so", "while", "when", "whenever", "if", "although", "though",
    "since", "but", "as", "than", "that", "which", "who", "whom", "where", "until", "unless",
    "whether", "what", "how", "why"}
_MODALS = {"can", "can't", "cannot", "could", "couldn't", "will", "won't", "would", "should",
           "must", "may", "might"}
_DETERMINERS = {"the", "a", "an", "my", "your", "our", "their", "his", "her", "its", "this",
                "these", "those"}
# Words after which a phrase was cut short: its verb's object, its particle or its "of" follows.
_GOES_ON = _DETERMINERS | {"me", "it", "them", "us", "him", "out", "up", "off", "down", "through",
                           "away", "back", "half", "all", "every", "each", "some", "any", "most",
                           "both", "no", "of"}


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
    """The theme's most frequent clean phrases, in their most common spelling: those several
    texts share, else (no phrase is shared) those of single texts."""
    counts: Counter[str] = Counter()
    cut: Counter[str] = Counter()  # times the text goes on with an object or a particle
    inner: Counter[str] = Counter()  # spellings inside a clause: "a", not a clause's "A"
    first: Counter[str] = Counter()
    for text in texts:
        seen: dict[str, bool] = {}
        for clause in _CLAUSE.split(text):
            words = _TOKEN.findall(clause)
            first.update(words[:1])
            inner.update(words[1:])
            for phrase, goes_on in _phrases([w.lower() for w in words], max_words):
                seen[phrase] = seen.get(phrase, False) or goes_on
        counts.update(list(seen))
        cut.update(phrase for phrase, goes_on in seen.items() if goes_on)
    clean = Counter({p: c for p, c in counts.items() if 2 * cut[p] < c})
    floor = max(2, MIN_SHARE * len(texts))
    common = [p for p, c in clean.most_common() if c >= floor] or list(clean)
    # prefer longer phrases among equally frequent ones, then keep the top few
    common = sorted(common, key=lambda p: (-clean[p], -len(p.split())))[:CANDIDATES]
    spelling = _spellings(first) | _spellings(inner)
    return [_spell(p, spelling) for p in common]


def _phrases(words: list[str], max_words: int = MAX_WORDS) -> Iterator[tuple[str, bool]]:
    """Each clean phrase of ``words``, and whether the words go on with an object or particle."""
    for size in range(MIN_WORDS, max_words + 1):
        for start in range(len(words) - size + 1):
            part = words[start:start + size]
            if not _reads_whole(part):
                continue
            phrase = " ".join(part)
            if len(phrase) <= MAX_CHARS and not any(ch.isdigit() for ch in phrase):
                after = words[start + size] if start + size < len(words) else ""
                yield phrase, after in _GOES_ON or _noun_goes_on(part, after)


def _noun_goes_on(part: list[str], after: str) -> bool:
    """Whether a noun phrase the phrase ends in goes on: a determiner among its last words and
    a content word next ("the save [button]", "the getting started [guide]")."""
    return (bool(after) and after not in ENGLISH_STOP_WORDS
            and bool(_DETERMINERS.intersection(part[-3:-1])))


def _reads_whole(part: list[str]) -> bool:
    """Whether a phrase can stand as a name (see the module's notes)."""
    return (part[0] not in _EDGE_STOP and part[-1] not in _END_STOP
            and part[-2] not in _MODALS and not _INNER_STOP.intersection(part)
            and len(set(part)) == len(part))


def _spellings(counts: Counter[str]) -> dict[str, str]:
    """Each word's most common spelling in ``counts``, by its lower case."""
    best: dict[str, tuple[int, str]] = {}
    for word, count in counts.items():
        key = word.lower()
        if count > best.get(key, (0, ""))[0]:
            best[key] = (count, word)
    return {key: word for key, (_, word) in best.items()}


def _spell(phrase: str, spelling: dict[str, str]) -> str:
    """Each word as most texts spell it ("CSV", "Google"), the first letter capitalised."""
    words = [spelling.get(w, w) for w in phrase.split()]
    first = words[0]
    words[0] = first if first.isupper() else first[:1].upper() + first[1:]
    return " ".join(words)


def _fallback(texts: Sequence[str], used: set[str]) -> str:
    """When the theme has no clean phrase at all: its most common words, made unique."""
    counts = Counter(w.lower() for t in texts for w in _TOKEN.findall(t)
                     if w.lower() not in _EDGE_STOP and not w.isdigit())
    words = [w for w, _ in counts.most_common(MAX_WORDS)] or ["other"]
    for size in range(min(MIN_WORDS, len(words)), len(words) + 1):
        name = _spell(" ".join(words[:size]), {})
        if name.lower() not in used:
            return name
    number = 2
    while f"{name} {number}".lower() in used:
        number += 1
    return f"{name} {number}"
