"""Everyday use of the demo product: active days, sessions, and the events inside each session.

A session is a walk on the Markov chain of :data:`catalog.TRANSITIONS`, advanced one step for all
sessions at once, so the cost is a few dozen numpy passes rather than a loop over events.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from needle.demo import catalog
from needle.demo.truth import WEEKDAY_FACTOR, DemoTruth
from needle.demo.users import DAY, Population, local_times

EXTRA_SESSIONS = 0.15  # Poisson mean of sessions beyond the first on an active day
MEAN_GAP_SECONDS = 40.0
MAX_SESSION_EVENTS = 60
REPEAT_EXPOSURE = 0.5  # chance a session of an exposed user evaluates the flag again
USER_CHUNK = 8_192


@dataclass
class Sessions:
    user: np.ndarray
    start: np.ndarray

    def __len__(self) -> int:
        return len(self.user)


@dataclass
class Events:
    """Columns of generated events; ``extra`` indexes ``Extras`` and ``session`` ``Sessions``."""

    user: np.ndarray
    code: np.ndarray
    time: np.ndarray
    extra: np.ndarray
    session: np.ndarray

    def __len__(self) -> int:
        return len(self.user)

    @classmethod
    def concat(cls, parts: list[Events]) -> Events:
        return cls(*(np.concatenate([getattr(p, f) for p in parts]) for f in
                     ("user", "code", "time", "extra", "session")))


def sessions(rng: np.random.Generator, pop: Population, days: int) -> Sessions:
    """Sessions of every user on the days they are active, from signup to the end of their use."""
    users, day_index = [], []
    for first in range(0, len(pop), USER_CHUNK):
        u, d = _active_days(rng, pop, np.arange(first, min(first + USER_CHUNK, len(pop))), days)
        users.append(u)
        day_index.append(d)
    user, day = np.concatenate(users), np.concatenate(day_index)
    repeats = 1 + rng.poisson(EXTRA_SESSIONS, len(user))
    user, day = np.repeat(user, repeats), np.repeat(day, repeats)
    start = np.maximum(local_times(rng, day, pop.tz[user]), pop.signup[user] + 40.0)
    keep = (start < pop.end[user]) & (start < days * DAY)
    order = np.argsort(start[keep], kind="stable")
    return Sessions(user[keep][order], start[keep][order])


def _active_days(rng: np.random.Generator, pop: Population, users: np.ndarray,
                 days: int) -> tuple[np.ndarray, np.ndarray]:
    day = np.arange(days)
    first, last = pop.signup_day[users], (pop.end[users] // DAY).astype(np.int64)
    alive = (day >= first[:, None]) & (day <= last[:, None])
    chance = pop.activity[users, None] * np.array(WEEKDAY_FACTOR)[day % 7][None, :]
    active = alive & ((rng.random((len(users), days)) < chance) | (day == first[:, None]))
    rows, cols = np.nonzero(active)
    return users[rows], cols


def walk(rng: np.random.Generator, pop: Population, ses: Sessions, extras: Extras) -> Events:
    """The events of every session: a Markov walk from a device-specific first event."""
    names = list(catalog.TRANSITIONS)
    index = {name: i for i, name in enumerate(names)}
    end = len(names)
    cumulative = np.array([_row(catalog.TRANSITIONS[n], index, end) for n in names]).cumsum(1)
    state = np.where(pop.mobile[ses.user], index["mobile_app_opened"],
                     _starts(rng, len(ses), index))
    code_of = np.array([catalog.CODE[n] for n in names])
    live = np.arange(len(ses))
    clock = ses.start.copy()
    parts = []
    for _ in range(MAX_SESSION_EVENTS):
        codes = code_of[state]
        parts.append(Events(ses.user[live], codes, clock[live], extras.draw(rng, codes),
                            live.astype(np.int32)))
        step = (rng.random(len(live))[:, None] > cumulative[state]).sum(1)
        alive = step < end
        live, state = live[alive], step[alive]
        clock[live] += 3.0 + rng.exponential(MEAN_GAP_SECONDS, len(live))
        if not len(live):
            break
    return Events.concat(parts)


def _row(weights: dict[str, float], index: dict[str, int], end: int) -> np.ndarray:
    row = np.zeros(end + 1)
    for name, weight in weights.items():
        row[end if name == catalog.END else index[name]] = weight
    return row / row.sum()


def _starts(rng: np.random.Generator, n: int, index: dict[str, int]) -> np.ndarray:
    names, p = catalog.probabilities(catalog.START_DESKTOP)
    return np.array([index[name] for name in names])[rng.choice(len(p), size=n, p=p)]


def lifecycle(rng: np.random.Generator, pop: Population, extras: Extras) -> Events:
    """Funnel steps, the integration and the first flag exposure of every user."""
    columns = {"signup": pop.signup, "onboarding_completed": pop.onboarded,
               "project_created": pop.project, "invite_sent": pop.invite,
               "integration_connected": pop.integration, "$feature_flag_called": pop.exposure}
    parts = []
    for name, times in columns.items():
        user = np.flatnonzero(~np.isnan(times))
        codes = np.full(len(user), catalog.CODE[name])
        extra = extras.draw(rng, codes)
        if name == "$feature_flag_called":
            extra = extras.flag[pop.variant[user]]
        parts.append(Events(user, codes, times[user], extra, np.full(len(user), -1, np.int32)))
    return Events.concat(parts)


def repeat_exposures(rng: np.random.Generator, pop: Population, ses: Sessions,
                     truth: DemoTruth, extras: Extras) -> Events:
    """PostHog SDKs evaluate a flag on every page load: exposed users see it again later."""
    end = truth.experiment.end_day * DAY
    variant = pop.variant[ses.user]
    chosen = np.flatnonzero((variant >= 0) & (ses.start > pop.exposure[ses.user])
                            & (ses.start < end) & (rng.random(len(ses)) < REPEAT_EXPOSURE))
    code = catalog.CODE[truth.experiment.exposure_event]
    return Events(ses.user[chosen], np.full(len(chosen), code), ses.start[chosen] - 1.0,
                  extras.flag[variant[chosen]], chosen.astype(np.int32))


def incident(rng: np.random.Generator, events: Events, truth: DemoTruth, extras: Extras) -> None:
    """On incident days a share of the incident event fails and is logged as an error instead."""
    spec = truth.incident
    start, stop = spec.start_day * DAY, (spec.start_day + spec.days) * DAY
    hit = ((events.code == catalog.CODE[spec.event]) & (events.time >= start)
           & (events.time < stop) & (rng.random(len(events)) < spec.depression))
    events.code[hit] = catalog.CODE[spec.error_event]
    events.extra[hit] = extras.incident


class Extras:
    """JSON fragments of event-specific properties, drawn per event by its name."""

    def __init__(self, truth: DemoTruth) -> None:
        self.fragments: list[str] = []
        self._tables: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        pages = {f'"$current_url":"{catalog.APP_URL}{p}","$pathname":"{p}"': w
                 for p, w in catalog.PAGES.items()}
        self._add("page_viewed", pages)
        self._add("board_viewed", {f'"view":"{v}"': w for v, w in catalog.BOARD_VIEWS.items()})
        self._add("search", {f'"results_count":{k}': (16 if k == 0 else 0.8**k * 20)
                             for k in range(0, 31)})
        self._add("$exception", {f'"$exception_message":"{m}"': w
                                 for m, w in catalog.EXCEPTIONS.items()})
        self._add("mobile_app_opened", {f'"app_version":"{v}"': w
                                        for v, w in catalog.APP_VERSIONS.items()})
        self._add("signup", {f'"signup_source":"{s}"': w
                             for s, w in catalog.SIGNUP_SOURCES.items()})
        exp = truth.experiment
        self.flag = np.array([self._fragment(
            f'"{exp.flag_property}":"{exp.flag}","{exp.variant_property}":"{v}"')
            for v in (exp.control, exp.test)])
        self.incident = self._fragment(f'"$exception_message":"{truth.incident.error_message}"')

    def _fragment(self, text: str) -> int:
        self.fragments.append(text)
        return len(self.fragments) - 1

    def _add(self, event: str, weights: Mapping[str, float]) -> None:
        names, p = catalog.probabilities(weights)
        self._tables[catalog.CODE[event]] = (np.array([self._fragment(n) for n in names]), p)

    def draw(self, rng: np.random.Generator, codes: np.ndarray) -> np.ndarray:
        """A fragment index per event (-1: no extra properties)."""
        out = np.full(len(codes), -1, dtype=np.int32)
        for code, (fragments, p) in self._tables.items():
            hit = np.flatnonzero(codes == code)
            out[hit] = fragments[rng.choice(len(p), size=len(hit), p=p)]
        return out
