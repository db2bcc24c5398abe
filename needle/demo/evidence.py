"""The demo's customer evidence: who reports each planned piece, and the words they use.

Reporters are users active when they write. Reporters of the bug theme are recent mobile users
whose use of the product ends days after the report: the planted churn.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from needle.demo import catalog, phrases
from needle.demo.plan import PlannedEvidence
from needle.demo.truth import NOISE, DemoTruth
from needle.demo.users import BROWSER_NAMES, DAY, OS_NAMES, Population
from needle.evidence.store import EvidenceRecord

SOURCE = {"ticket": "demo:helpdesk", "survey": "demo:survey", "interview": "demo:interviews"}
TYPO_RATE = 0.25
TEAM_SIZES = ((2, 11), (11, 51), (51, 201), (201, 1001), (1001, 5000))  # per company size
PROPER_NOUNS = {"Tasklane", "Google", "Outlook", "Apple", "Slack", "Excel"}
MOBILE_DEVICES = {"iOS": ("iPhone 13", "iPhone 15", "iPhone SE", "iPad Air"),
                  "Android": ("Pixel 7", "Galaxy S23", "Galaxy A54", "OnePlus 11")}


def choose_reporters(rng: np.random.Generator, plan: list[PlannedEvidence], pop: Population,
                     truth: DemoTruth) -> np.ndarray:
    """A user per planned piece; the bug theme's reporters stop using the product soon after."""
    churn = truth.churn
    reporters = np.empty(len(plan), dtype=np.int64)
    for i, item in enumerate(plan):
        alive = (pop.signup <= item.time - 3600) & (pop.end >= item.time)
        candidates = alive
        if item.theme == churn.theme:
            recent = pop.signup >= item.time - churn.max_account_age_days * DAY
            candidates = alive & pop.mobile & recent
        pool = np.flatnonzero(candidates) if candidates.any() else np.flatnonzero(alive)
        if not len(pool):
            pool = np.flatnonzero(pop.signup <= item.time)
        weights = pop.activity[pool]
        reporters[i] = pool[rng.choice(len(pool), p=weights / weights.sum())]
        if item.theme == churn.theme:
            stop = item.time + rng.exponential(churn.mean_days_after_report) * DAY
            pop.end[reporters[i]] = min(pop.end[reporters[i]], stop)
    return reporters


def records(rng: np.random.Generator, plan: list[PlannedEvidence], reporters: np.ndarray,
            pop: Population, truth: DemoTruth) -> list[EvidenceRecord]:
    """Evidence records with varied wording; no two share kind, customer and text."""
    seen: set[tuple[str, str, str]] = set()
    out = []
    for item, user in zip(plan, reporters, strict=True):
        slots = _slots(rng, pop, int(user))
        for _ in range(50):
            text, meta = RENDER[item.kind](rng, _bank(item.theme), slots)
            key = (item.kind, pop.ids[user], " ".join(text.lower().split()))
            if key not in seen:
                break
        seen.add(key)
        out.append(EvidenceRecord(
            kind=item.kind, text=text, source=SOURCE[item.kind], customer=pop.ids[user],
            created_at=truth.start + timedelta(seconds=item.time), source_id=item.source_id,
            meta=meta))
    return out


def _bank(theme: str) -> dict[str, tuple[str, ...]]:
    return phrases.NOISE_TEXT if theme == NOISE else phrases.THEME_TEXT[theme]


def _slots(rng: np.random.Generator, pop: Population, user: int) -> dict[str, str]:
    os_name = OS_NAMES[pop.os[user]]
    slots = {name: str(rng.choice(values)) for name, values in phrases.SLOTS.items()}
    n = int(rng.choice([40, 80, 120, 150, 200, 300, 500, 800, 1200, 2000]))
    slots.update(
        secs=str(int(rng.integers(8, 60))), n=str(n), m=str(max(2, n // 4)),
        browser=f"the {os_name} app" if pop.mobile[user] else BROWSER_NAMES[pop.browser[user]],
        os=os_name,
        plan=list(catalog.PLANS)[pop.plan[user]].capitalize(),
        role_title=(role := str(rng.choice(phrases.ROLES))), a_role_title=_article(role),
        industry=(industry := str(rng.choice(phrases.INDUSTRIES))),
        a_industry=_article(industry),
        teamsize=str(int(rng.integers(*TEAM_SIZES[pop.size[user]]))),
    )
    if os_name in MOBILE_DEVICES:
        slots["device"] = str(rng.choice(MOBILE_DEVICES[os_name]))
    return slots


def _article(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def _pick(rng: np.random.Generator, options: tuple[str, ...], slots: dict[str, str]) -> str:
    return str(rng.choice(options)).format_map(slots)


def _typos(rng: np.random.Generator, text: str) -> str:
    """People type fast: swap, drop or double a letter in a word or two."""
    if rng.random() >= TYPO_RATE:
        return text
    words = text.split(" ")
    for _ in range(int(rng.integers(1, 3))):
        i = int(rng.integers(len(words)))
        word = words[i]
        if len(word) < 5 or not word.isalpha():
            continue
        j = int(rng.integers(1, len(word) - 2))
        edit = int(rng.integers(3))
        if edit == 0:
            word = word[:j] + word[j + 1] + word[j] + word[j + 2:]
        elif edit == 1:
            word = word[:j] + word[j + 1:]
        else:
            word = word[:j] + word[j] + word[j:]
        words[i] = word
    return " ".join(words)


def _ticket(rng: np.random.Generator, bank: dict, slots: dict) -> tuple[str, dict]:
    details = rng.choice(bank["detail"], size=int(rng.integers(0, 3)), replace=False)
    body = " ".join([_pick(rng, bank["core"], slots), *(d.format_map(slots) for d in details),
                     str(rng.choice(phrases.ASKS))]).strip()
    greeting, signoff = str(rng.choice(phrases.GREETINGS)), str(rng.choice(phrases.SIGNOFFS))
    name = str(rng.choice(phrases.NAMES)) if signoff else ""
    text = "\n\n".join(p for p in (greeting, _typos(rng, body), f"{signoff}\n{name}".strip()) if p)
    meta = {"subject": _pick(rng, bank["subject"], slots),
            "channel": str(rng.choice(["email", "chat", "web form"], p=[0.5, 0.3, 0.2])),
            "priority": str(rng.choice(["low", "normal", "high"], p=[0.25, 0.55, 0.2]))}
    return text, meta


def _survey(rng: np.random.Generator, bank: dict, slots: dict) -> tuple[str, dict]:
    short = rng.random() < 0.55
    text = _pick(rng, bank["survey"] if short else bank["core"], slots)
    if short:
        prefix, suffix = rng.choice(phrases.SURVEY_PREFIXES), _pick(rng, phrases.SURVEY_SUFFIXES,
                                                                    slots)
        text = f"{prefix}{text}{suffix}"
    elif rng.random() < 0.6:
        text = f"{text} {_pick(rng, bank['detail'], slots)}"
    if rng.random() < 0.3:
        text = text.lower().rstrip(".")
    low, high = (6, 11) if bank is phrases.NOISE_TEXT else (0, 9)  # complaints score lower
    score = min(rng.integers(low, high), rng.integers(low, high))
    return _typos(rng, text), {"question": str(rng.choice(phrases.SURVEY_QUESTIONS)),
                               "nps": int(score)}


def _interview(rng: np.random.Generator, bank: dict, slots: dict) -> tuple[str, dict]:
    core = _pick(rng, bank.get("interview_core", bank["core"]), slots)
    slots = {**slots, "core": core, "core_lower": _lower_first(core)}
    context = rng.choice(phrases.INTERVIEW_CONTEXT, size=2, replace=False)
    details = rng.choice(bank.get("interview_detail", bank["detail"]),
                         size=int(rng.integers(1, 3)), replace=False)
    lines = [_pick(rng, phrases.INTERVIEW_OPENERS, slots), context[0].format_map(slots),
             _pick(rng, phrases.INTERVIEW_FRAMES, slots),
             *(f"- {d.format_map(slots)}" for d in details), context[1].format_map(slots)]
    return _typos(rng, "\n".join(lines)), {
        "interviewer": str(rng.choice(phrases.NAMES)),
        "duration_minutes": int(rng.choice([20, 30, 45, 60]))}


def _lower_first(sentence: str) -> str:
    """Lower-case the first word unless it is "I", an acronym or a name."""
    first = sentence.split(" ", 1)[0]
    if first == "I" or not first[1:].islower() or first in PROPER_NOUNS:
        return sentence
    return sentence[0].lower() + sentence[1:]


RENDER = {"ticket": _ticket, "survey": _survey, "interview": _interview}
