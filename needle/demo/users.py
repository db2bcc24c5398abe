"""The demo's people: when they sign up, who they are, how far they get and how long they stay.

Times are float seconds since the demo's start; ``nan`` means "never". All of it is vectorised
over users with numpy.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from needle.demo import catalog
from needle.demo.truth import WEEKDAY_FACTOR, DemoTruth, Experiment

DAY = 86_400.0
HOUR = 3_600.0
SIGNUP_GROWTH = 1.2  # the last day gets 1 + SIGNUP_GROWTH times the first day's signups
# (median, sigma) of lognormal delays in seconds between funnel steps
ONBOARDING_DELAY = (20 * 60.0, 1.4)
PROJECT_DELAY = (3 * HOUR, 1.6)
MAX_PROJECT_DELAY = 4.9 * DAY  # onboarding (<= 2 d) + project (< 4.9 d) < the 7-day window
LATE_PROJECT_RATE = 0.15  # onboarded non-converters who create a project 8-35 days later
INVITE_DELAY = (20 * HOUR, 1.3)
INVITE_RATE = {"free": 0.35, "team": 0.55, "business": 0.6, "enterprise": 0.6}
INTEGRATION_DELAY = (2 * DAY, 1.0)
MAX_INTEGRATION_DELAY = 11.9 * DAY  # onboarding (<= 2 d) + this < the 14-day window
# by depth reached: signed up, onboarded, created a project, invited someone
MEAN_LIFETIME_DAYS = np.array([1.5, 12.0, 40.0, 120.0])
DAILY_ACTIVITY = np.array([0.3, 0.38, 0.5, 0.6])


@dataclass
class Population:
    ids: list[str]
    signup: np.ndarray
    tz: np.ndarray
    plan: np.ndarray
    size: np.ndarray
    country: np.ndarray
    mobile: np.ndarray
    os: np.ndarray
    browser: np.ndarray
    source: np.ndarray
    onboarded: np.ndarray
    project: np.ndarray
    invite: np.ndarray
    integration: np.ndarray
    exposure: np.ndarray
    variant: np.ndarray  # -1 not exposed, 0 control, 1 test
    end: np.ndarray  # when the user stops using the product
    activity: np.ndarray  # chance of using the product on a weekday while active

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def signup_day(self) -> np.ndarray:
        return (self.signup // DAY).astype(np.int64)


def generate(rng: np.random.Generator, n: int, truth: DemoTruth) -> Population:
    """``n`` users signing up over ``truth.days`` with their funnel progress and lifetimes."""
    country = _pick(rng, {k: w for k, (w, _) in catalog.COUNTRIES.items()}, n)
    tz = np.array([tz for _, tz in catalog.COUNTRIES.values()])[country]
    signup = local_times(rng, _signup_days(rng, n, truth.days), tz)
    mobile = rng.random(n) < catalog.MOBILE_SHARE
    os_, browser = _devices(rng, mobile)
    pop = Population(
        ids=_distinct_ids(rng, n), signup=signup, tz=tz,
        plan=_pick(rng, catalog.PLANS, n), size=_pick(rng, catalog.COMPANY_SIZES, n),
        country=country, mobile=mobile, os=os_, browser=browser,
        source=_pick(rng, catalog.SIGNUP_SOURCES, n),
        onboarded=_never(n), project=_never(n), invite=_never(n), integration=_never(n),
        exposure=_never(n), variant=np.full(n, -1, dtype=np.int8),
        end=signup.copy(), activity=np.zeros(n),
    )
    _expose(rng, pop, truth.experiment)
    _funnel(rng, pop, truth)
    _lifetimes(rng, pop)
    return pop


def local_times(rng: np.random.Generator, days: np.ndarray, tz: np.ndarray) -> np.ndarray:
    """Seconds since start of moments on ``days`` at a working hour local to each ``tz``."""
    _, weights = catalog.probabilities(dict(enumerate(catalog.HOUR_WEIGHTS)))
    hour = rng.choice(24, size=len(days), p=weights)
    offset = ((hour - tz) * HOUR + rng.random(len(days)) * HOUR) % DAY
    return days * DAY + offset


def posthog_variant(flag: str, distinct_id: str) -> int:
    """PostHog's variant hash (sha1 of "flag.id" + "variant"): 0 = first variant (control)."""
    digest = hashlib.sha1(f"{flag}.{distinct_id}variant".encode()).hexdigest()
    return int(int(digest[:15], 16) / 0xFFFFFFFFFFFFFFF >= 0.5)


def _pick(rng: np.random.Generator, weights: dict, n: int) -> np.ndarray:
    _, p = catalog.probabilities(weights)
    return rng.choice(len(p), size=n, p=p)


def _never(n: int) -> np.ndarray:
    return np.full(n, np.nan)


def _signup_days(rng: np.random.Generator, n: int, days: int) -> np.ndarray:
    day = np.arange(days)
    weights = (1 + SIGNUP_GROWTH * day / days) * np.array(WEEKDAY_FACTOR)[day % 7]
    return np.sort(rng.choice(days, size=n, p=weights / weights.sum()))


def _distinct_ids(rng: np.random.Generator, n: int) -> list[str]:
    # An odd multiplier modulo 2**40 is a bijection: unique ids that look random.
    multiplier, offset = int(rng.integers(1, 2**39)) * 2 + 1, int(rng.integers(0, 2**40))
    codes = (np.arange(n, dtype=np.uint64) * np.uint64(multiplier) + np.uint64(offset))
    return [f"usr_{int(c) & (2**40 - 1):010x}" for c in codes]


def _devices(rng: np.random.Generator, mobile: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indexes into OS_NAMES / BROWSER_NAMES."""
    n = len(mobile)
    desktop_os = _pick(rng, catalog.DESKTOP_OS, n)
    mobile_os = len(catalog.DESKTOP_OS) + _pick(rng, catalog.MOBILE_OS, n)
    desktop_browser = _pick(rng, catalog.DESKTOP_BROWSERS, n)
    safari, mac = list(catalog.DESKTOP_BROWSERS).index("Safari"), list(catalog.DESKTOP_OS).index(
        "Mac OS X")
    desktop_browser[(desktop_browser == safari) & (desktop_os != mac)] = 0  # Safari is Mac-only
    mobile_browser = mobile_os - len(catalog.DESKTOP_OS) + len(catalog.DESKTOP_BROWSERS)
    return np.where(mobile, mobile_os, desktop_os), np.where(mobile, mobile_browser,
                                                             desktop_browser)


OS_NAMES = (*catalog.DESKTOP_OS, *catalog.MOBILE_OS)
BROWSER_NAMES = (*catalog.DESKTOP_BROWSERS, *(catalog.MOBILE_BROWSER[o] for o in catalog.MOBILE_OS))


def _delay(rng: np.random.Generator, n: int, spec: tuple[float, float], low: float,
           high: float) -> np.ndarray:
    median, sigma = spec
    return np.clip(median * np.exp(sigma * rng.standard_normal(n)), low, high)


def _expose(rng: np.random.Generator, pop: Population, experiment: Experiment) -> None:
    day = pop.signup_day
    exposed = np.flatnonzero((day >= experiment.start_day) & (day < experiment.end_day))
    pop.exposure[exposed] = pop.signup[exposed] + rng.uniform(2, 25, len(exposed))
    pop.variant[exposed] = [posthog_variant(experiment.flag, pop.ids[i]) for i in exposed]


def _funnel(rng: np.random.Generator, pop: Population, truth: DemoTruth) -> None:
    n, launch, exp = len(pop), truth.launch, truth.experiment
    rate = np.where(pop.signup_day >= launch.day, launch.rate_after, launch.rate_before)
    onboarded = rng.random(n) < rate
    pop.onboarded = np.where(onboarded, pop.signup + _delay(
        rng, n, ONBOARDING_DELAY, 30.0, launch.max_delay_hours * HOUR), np.nan)
    project_rate = np.where(pop.variant == 1, exp.project_rate_test, exp.project_rate_control)
    fast = onboarded & (rng.random(n) < project_rate)
    late = onboarded & ~fast & (rng.random(n) < LATE_PROJECT_RATE)
    delay = np.where(fast, _delay(rng, n, PROJECT_DELAY, 60.0, MAX_PROJECT_DELAY),
                     rng.uniform(8 * DAY, 35 * DAY, n))
    pop.project = np.where(fast | late, pop.onboarded + delay, np.nan)
    invite_rate = np.array(list(INVITE_RATE.values()))[pop.plan]
    invited = (fast | late) & (rng.random(n) < invite_rate)
    pop.invite = np.where(invited, pop.project + _delay(rng, n, INVITE_DELAY, 120.0, 20 * DAY),
                          np.nan)
    integrated = onboarded & (rng.random(n) < exp.null_rate_given_onboarded)
    pop.integration = np.where(integrated, pop.onboarded + _delay(
        rng, n, INTEGRATION_DELAY, 300.0, MAX_INTEGRATION_DELAY), np.nan)


def _lifetimes(rng: np.random.Generator, pop: Population) -> None:
    depth = (~np.isnan(pop.onboarded)).astype(int) + ~np.isnan(pop.project) + ~np.isnan(pop.invite)
    life = rng.exponential(MEAN_LIFETIME_DAYS[depth]) * DAY
    last_step = np.nanmax(np.vstack([pop.signup, pop.onboarded, pop.project, pop.invite,
                                     pop.integration]), axis=0)
    pop.end = np.maximum(pop.signup + life, last_step + HOUR)
    spread = np.exp(0.35 * rng.standard_normal(len(pop)))
    pop.activity = np.clip(DAILY_ACTIVITY[depth] * spread, 0.02, 0.95)
