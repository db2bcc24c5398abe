"""Bet scores: the arithmetic, the defaults taken from data, overrides and the ranking."""

from __future__ import annotations

import pytest

from needle.artifacts.models import Artifact
from needle.artifacts.problems import Reach, Strength
from needle.artifacts.scoring import check_inputs, parse_criteria, parse_criterion, rank, score
from needle.errors import UserError

REACH = Reach(total=400, customers=5, data_users=398, sources=("5 customers", "398 users"),
              sql="SELECT 400")
MEDIUM = Strength(pieces=4, kinds=2, customers=3, score=0.5)


def bet(bet_id: int = 1, **fields) -> Artifact:  # type: ignore[no-untyped-def]
    return Artifact(id=bet_id, kind="bet", title=f"bet {bet_id}", fields={"problem": 1, **fields})


@pytest.mark.parametrize(("score_value", "rice", "ice"), [
    (0.2, 0.5, 2), (0.4, 0.8, 4), (0.74, 0.8, 7), (0.75, 1.0, 8), (1.0, 1.0, 10),
])
def test_confidence_follows_evidence_strength(score_value, rice, ice) -> None:
    strength = Strength(pieces=1, kinds=1, customers=1, score=score_value)
    assert (strength.rice_confidence, strength.ice_confidence) == (rice, ice)


def test_rice_defaults_reach_and_confidence_from_data() -> None:
    result = score(bet(method="rice", impact=2, effort=4), REACH, MEDIUM)
    assert result.value == pytest.approx(400 * 2 * 0.8 / 4)
    assert "reach computed: 5 customers; 398 users" in result.why
    assert "confidence from 4 pieces of evidence from 2 kinds of source" in result.why


def test_overrides_need_a_reason_and_are_explained() -> None:
    with pytest.raises(UserError, match="overriding reach needs a reason"):
        check_inputs({"reach": 50})
    result = score(bet(reach=50, reach_reason="only admins", confidence=0.5,
                       confidence_reason="one interview"), REACH, MEDIUM)
    assert result.value == pytest.approx(50 * 1 * 0.5 / 1)
    assert "reach set by hand (only admins)" in result.why
    assert "confidence set by hand (one interview)" in result.why


def test_ice_and_weighted_criteria() -> None:
    assert score(bet(method="ice", impact=6, ease=5), REACH, MEDIUM).value == 6 * 5 * 5
    criteria = dict(parse_criterion(c) for c in ("revenue=3:8", "effort=1:2"))
    weighted = score(bet(method="weighted", criteria=criteria), REACH, MEDIUM)
    assert weighted.value == pytest.approx((3 * 8 + 1 * 2) / 4)
    assert "revenue 8 (weight 3)" in weighted.why
    with pytest.raises(UserError, match="NAME=WEIGHT:SCORE"):
        parse_criterion("revenue=high")


def test_rank_orders_within_each_method() -> None:
    scores = [score(bet(1, impact=1), REACH, MEDIUM), score(bet(2, impact=3), REACH, MEDIUM),
              score(bet(3, method="ice", impact=9, ease=9), REACH, MEDIUM)]
    assert [s.bet for s in rank(scores)] == [2, 1, 3]


@pytest.mark.parametrize(("fields", "message"), [
    ({"impact": 7}, "impact 7: RICE impact is one of 0.25, 0.5, 1, 2 or 3"),
    ({"impact": float("nan")}, "impact nan: it must be a finite number"),
    ({"effort": float("inf")}, "effort inf: it must be a finite number"),
    ({"effort": 1e-308}, "effort 1e-308: it must be person-weeks, at least 0.001"),
    ({"reach": 1e308, "reach_reason": "x"}, "reach 1e+308: it must be a number of people"),
    ({"reach": -5, "reach_reason": "x"}, "reach -5: it must be a number of people"),
    ({"confidence": 80, "confidence_reason": "x"}, "confidence 80: it must be a share"),
    ({"effort": "soon"}, "effort 'soon': it must be a finite number"),
    ({"method": "ice", "impact": 11}, "impact 11: it must be from 1 to 10"),
    ({"method": "ice", "ease": 0}, "ease 0: it must be from 1 to 10"),
    ({"method": "weighted"}, "a weighted bet needs criteria"),
    ({"method": "weighted", "criteria": {"a": {"weight": -2, "score": 3}}},
     "criterion 'a': weight -2: it must be zero or more"),
    ({"method": "weighted", "criteria": {"a": {"weight": 0, "score": 3}}},
     "a weighted bet needs a criterion with a weight above zero"),
    ({"method": "weighted", "criteria": {"a": {"weight": 1, "score": float("inf")}}},
     "criterion 'a': score inf: it must be a finite number"),
    ({"method": "weighted", "criteria": {"a": "high"}}, "criterion 'a': weight None"),
])
def test_absurd_scoring_inputs_are_refused(fields, message) -> None:
    with pytest.raises(UserError) as refused:
        check_inputs(fields)
    assert str(refused.value).startswith(message)


@pytest.mark.parametrize("fields", [
    {"impact": 0.25, "effort": 0.001, "reach": 0, "reach_reason": "x"},
    {"impact": 3, "confidence": 1, "confidence_reason": "x"},
    {"method": "ice", "impact": 1, "ease": 10, "confidence": 10, "confidence_reason": "x"},
    {"method": "weighted", "criteria": {"a": {"weight": 0, "score": -1},
                                        "b": {"weight": 2, "score": 4}}},
])
def test_inputs_at_the_edges_of_their_scales_are_kept(fields) -> None:
    check_inputs(fields)


def test_a_criterion_given_twice_is_refused() -> None:
    assert parse_criteria(["a=1:2", "b=2:3"]) == {"a": {"weight": 1, "score": 2},
                                                   "b": {"weight": 2, "score": 3}}
    with pytest.raises(UserError, match="criterion 'a' is given twice"):
        parse_criteria(["a=1:2", "a=2:3"])
    with pytest.raises(UserError, match="write NAME=WEIGHT:SCORE"):
        parse_criterion("=2:3")
