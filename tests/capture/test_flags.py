"""Flag evaluation is PostHog's: the variants equal an independent implementation of PostHog's
hashing for thousands of ids, and vectors from PostHog's own test suite."""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

import pytest

from needle.capture.flags import (
    Condition,
    FlagSpec,
    Variant,
    bucket,
    evaluate,
    matches,
    parse_condition,
    parse_variants,
    validate,
)
from needle.errors import UserError

IDS = [f"user-{n}" for n in range(3000)] + [f"distinct_id_{n}" for n in range(1000)] + [
    "", "ünïcödé", "a" * 200, "0", "user@example.com", "550e8400-e29b-41d4-a716-446655440000"]


# The reference, written from PostHog's description, not from the module under test.
def reference_hash(key: str, distinct_id: str, salt: str) -> float:
    """As PostHog's servers compute it: both numbers as doubles, then divided (an exact integer
    division rounds differently in the last bit for some ids)."""
    text = key + "." + distinct_id + salt
    return float(int(hashlib.sha1(text.encode("utf-8")).hexdigest()[:15], 16)) / float(
        0xFFFFFFFFFFFFFFF)


def reference_value(key: str, distinct_id: str, rollout: float,
                    variants: list[tuple[str, float]]) -> Any:
    if reference_hash(key, distinct_id, "") > rollout / 100:
        return False
    if not variants:
        return True
    point, start = reference_hash(key, distinct_id, "variant"), 0.0
    for name, percent in variants:
        end = start + percent / 100
        if start <= point < end:
            return name
        start = end
    return True


FLAGS = [
    ("checkout-redesign", 100, [("control", 50), ("test", 50)]),
    ("pricing_page", 100, [("control", 34), ("a", 33), ("b", 33)]),
    ("onboarding-checklist", 30, [("control", 90), ("test", 10)]),
    ("beta", 17.5, []),
    ("dark-mode", 0, [("control", 50), ("test", 50)]),
    ("Case-Matters", 100, [("one", 25), ("two", 25), ("three", 25), ("four", 25)]),
]


@pytest.mark.parametrize(("key", "rollout", "variants"), FLAGS, ids=[f[0] for f in FLAGS])
def test_values_equal_the_reference_for_thousands_of_ids(
        key: str, rollout: float, variants: list[tuple[str, float]]) -> None:
    spec = FlagSpec(key, tuple(Variant(k, p) for k, p in variants), rollout)
    got = [evaluate(spec, i).value for i in IDS]
    assert got == [reference_value(key, i, rollout, variants) for i in IDS]
    if rollout == 100 and variants:  # shares near the plan: the hash spreads people evenly
        counts = Counter(got)
        for name, percent in variants:
            assert abs(counts[name] / len(IDS) - percent / 100) < 0.03


def test_buckets_equal_the_reference() -> None:
    for salt in ("", "variant"):
        assert [bucket("flag", i, salt) for i in IDS] == [reference_hash("flag", i, salt)
                                                          for i in IDS]


# From posthog-python's test suite (posthog/test/test_feature_flags.py,
# test_simple_flag_consistency and test_multivariate_flag_consistency): the first 40 answers for
# "distinct_id_0" ... "distinct_id_39", and how the first 1000 ids fall.
SIMPLE = FlagSpec("simple-flag", (), 45)
SIMPLE_FIRST = [False, True, True, False, True, False, False, True, False, True, False, True, True,
                False, True, False, False, False, True, True, False, True, False, False, True,
                False, True, True, False, False, False, True, True, True, True, False, False,
                False, False, False]
MULTI = FlagSpec("multivariate-flag", (
    Variant("first-variant", 50), Variant("second-variant", 20), Variant("third-variant", 20),
    Variant("fourth-variant", 5), Variant("fifth-variant", 5)), 55)
F, S, T, U = "first-variant", "second-variant", "third-variant", "fourth-variant"
MULTI_FIRST = [S, S, F, False, False, S, F, False, False, False, F, T, False, F, S, F, False,
               False, U, F, False, T, False, False, False, F, F, F, F, F, F, T, False, T, S, F,
               False, T, False, False]


def test_posthog_vectors_simple_flag() -> None:
    got = [evaluate(SIMPLE, f"distinct_id_{n}").value for n in range(1000)]
    assert got[:40] == SIMPLE_FIRST
    assert Counter(got) == {False: 554, True: 446}


def test_posthog_vectors_multivariate_flag() -> None:
    got = [evaluate(MULTI, f"distinct_id_{n}").value for n in range(1000)]
    assert got[:40] == MULTI_FIRST
    assert Counter(got) == {False: 444, F: 290, T: 111, S: 110, U: 24, "fifth-variant": 21}


def test_reasons_say_why() -> None:
    spec = FlagSpec("f", (Variant("a", 50), Variant("b", 50)), 50,
                    (Condition("plan", "exact", "pro"),))
    assert evaluate(spec, "x", {"plan": "free"}).reason == "no_condition_match"
    outside = next(i for i in IDS if bucket("f", i) > 0.5)
    inside = next(i for i in IDS if bucket("f", i) <= 0.5)
    assert evaluate(spec, outside, {"plan": "pro"}).reason == "out_of_rollout_bound"
    result = evaluate(spec, inside, {"plan": "PRO"})
    assert (result.reason, result.enabled, result.condition_index) == ("condition_match", True, 0)
    assert result.description == "Matched condition set 1"


@pytest.mark.parametrize(("text", "properties", "expected"), [
    ("person.plan=pro", {"plan": "Pro"}, True),
    ("person.plan=pro", {"plan": "free"}, False),
    ("person.plan=pro", {}, False),
    ("person.plan!=pro", {"plan": "free"}, True),
    ("person.plan!=pro", {"plan": "PRO"}, False),
    ("person.plan!=pro", {}, False),
    ("person.email~@acme.", {"email": "Ada@ACME.com"}, True),
    ("person.email~@acme.", {"email": "ada@other.com"}, False),
    ("person.seats>10", {"seats": 11}, True),
    ("person.seats>10", {"seats": "12"}, True),
    ("person.seats>10", {"seats": 10}, False),
    ("person.seats>=10", {"seats": 10.0}, True),
    ("person.seats<10", {"seats": "many"}, False),
    ("person.seats<=3", {"seats": 3}, True),
    ("person.beta=true", {"beta": True}, True),
    ("person.beta=false", {"beta": True}, False),
    ("person.seats=3", {"seats": 3.0}, True),
    ("person.beta?", {"beta": None}, True),
    ("person.beta?", {}, False),
    ("person.beta!?", {}, True),
    ("person.beta!?", {"beta": 1}, False),
])
def test_conditions_follow_posthog(text: str, properties: dict[str, Any], expected: bool) -> None:
    assert matches(parse_condition(text), properties) is expected


def test_conditions_must_all_hold() -> None:
    spec = FlagSpec("f", (), 100, (parse_condition("person.plan=pro"),
                                   parse_condition("person.seats>5")))
    assert evaluate(spec, "u", {"plan": "pro", "seats": 6}).value is True
    assert evaluate(spec, "u", {"plan": "pro", "seats": 2}).value is False


@pytest.mark.parametrize("text", ["plan=pro", "person.plan", "person.seats>many",
                                  "person.x?yes", "person.=3"])
def test_bad_conditions_are_refused(text: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_condition(text)
    assert caught.value.field == "where"


@pytest.mark.parametrize("texts", [["control"], ["control=x"], ["control=150"], ["=50"]])
def test_bad_variants_are_refused(texts: list[str]) -> None:
    with pytest.raises(UserError):
        parse_variants(texts)


@pytest.mark.parametrize(("spec", "words"), [
    (FlagSpec("has space"), "letters, digits"),
    (FlagSpec("f", rollout=101), "rollout"),
    (FlagSpec("f", (Variant("a", 50), Variant("b", 40))), "add up to 90"),
    (FlagSpec("f", (Variant("a", 100),)), "at least two"),
    (FlagSpec("f", (Variant("a", 50), Variant("a", 50))), "each once"),
    (FlagSpec("f", (Variant("a b", 50), Variant("c", 50))), "variant keys"),
])
def test_invalid_flags_are_refused(spec: FlagSpec, words: str) -> None:
    with pytest.raises(UserError, match=words):
        validate(spec)


def test_text_forms_round_trip() -> None:
    assert parse_variants(["control=50", " test = 50"]) == (Variant("control", 50),
                                                             Variant("test", 50))
    for text in ("person.plan=pro", "person.seats>=3", "person.beta!?", "person.email~acme"):
        assert str(parse_condition(text)) == text
