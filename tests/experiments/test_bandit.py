"""``needle experiment bandit`` on a real A/B log read as a bandit's periods, against a hand
computation (pandas period weighting, conjugate posteriors, Monte-Carlo best-arm draws)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from needle.errors import UserError
from needle.experiments.bandit import BanditSpec, bandit_table


def _units(shared: Path, tmp_path: Path) -> Path:
    """Retentioneering's A/B demo, one row per user: arm, arrival month, whether they paid."""
    events = pd.read_csv(shared / "data" / "retentioneering-synthetic" / "v3.3.0" /
                         "ab_test_demo.csv", parse_dates=["timestamp"])
    events = events[events.user_backet != "not_in_test"]
    users = events.groupby("user_id").agg(
        arm=("user_backet", "first"), month=("timestamp", "min"),
        paid=("event", lambda e: int((e == "payment_done").any())))
    users["month"] = users["month"].dt.strftime("%Y-%m")
    path = tmp_path / "bandit.csv"
    users.to_csv(path)
    return path


def test_bandit_matches_a_hand_computation(shared: Path, tmp_path: Path, cli) -> None:
    path = _units(shared, tmp_path)
    out = json.loads(cli("experiment", "bandit", str(path), "--variant", "arm", "--metric",
                         "paid", "--period", "month", "--no-top-two", "--json").output)
    users = pd.read_csv(path)
    cells = users.groupby(["month", "arm"]).paid.agg(["size", "mean"]).unstack("arm")
    share = cells["size"].sum(axis=1) / cells["size"].to_numpy().sum()
    mean = (cells["mean"].mul(share, axis=0)).sum()
    var = (cells["mean"] * (1 - cells["mean"]) / cells["size"]).mul(share**2, axis=0).sum()
    post_var = 1 / (1 / 1e4 + 1 / var)
    post_mean = post_var * mean / var
    draws = np.random.default_rng(0).normal(post_mean, np.sqrt(post_var), (400_000, 2))
    best = np.bincount(draws.argmax(axis=1), minlength=2) / len(draws)
    arms = {a["name"]: a for a in out["arms"]}
    for i, name in enumerate(["control", "test"]):
        assert arms[name]["mean"] == pytest.approx(mean[name], abs=1e-12)
        assert arms[name]["posterior_sd"] == pytest.approx(np.sqrt(post_var[name]), rel=1e-9)
        assert arms[name]["chance_to_be_best"] == pytest.approx(best[i], abs=4e-3)
        assert arms[name]["next_weight"] == pytest.approx(0.01 + 0.98 * best[i], abs=4e-3)
    assert out["periods"] == users.month.nunique() and out["enough_units"]
    assert out["stop"] == (max(best) >= 0.95)


def test_bandit_weights_must_name_the_arms(shared: Path, tmp_path: Path) -> None:
    path = _units(shared, tmp_path)
    with pytest.raises(UserError, match="current weights name"):
        bandit_table(path, BanditSpec("arm", "paid", "month", {"control": 1, "other": 1}))
    two = bandit_table(path, BanditSpec("arm", "paid", "month", {"control": 1, "test": 1}))
    assert sum(a["next_weight"] for a in two["arms"]) == pytest.approx(1)
    assert [a["next_weight"] for a in two["arms"]] == pytest.approx([0.5, 0.5])  # top-two
