"""Every case of the reference vectors files, read by its declared inputs, outputs and references.

One reader per family turns a case's ``inputs`` (whatever shape of them it carries) into Needle's
answer, keyed by the reference engine's output names. Every numeric output is then compared at
1e-6 with Needle's, except where ``DIFFERENCES`` declares that Needle deliberately computes
something else (docs/experiments.md lists each); there the check is against the independent
reference named in the case or a closed form computed here. References that compute one of
Needle's own methods (Fieller, Beta-Binomial, exact integration, ...) are checked as well. A new
case of a known family, in any of these shapes, needs no edit here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from scipy import stats

from needle.stats import (
    GaussianPrior,
    adjust_p_values,
    bayesian_power,
    beta_binomial,
    check_srm,
    confidence_sequence,
    contrast,
    corrected_alpha,
    family_size,
    fieller,
    gaussian_best,
    gaussian_effect,
    minimum_detectable_effect,
    post_stratified_contrast,
    power,
    sample_needed,
    thompson,
    welch,
)
from needle.stats.sequential import halfwidth, rho
from needle.stats.sizing import _sequential_inflation, relative_se
from tests.stats.reference_vectors import DEFAULT, arm, load_cases, pair, vectors_paths

TOL = 1e-6
Values = dict[str, Any]


# --- reading a case's declared inputs ---------------------------------------------------------

def _config(case: Values) -> Values:
    return case["inputs"].get("config", {})


def _alternative(case: Values) -> str:
    """The direction, from the config or the engine function's name (gbstats' test classes)."""
    config, name = _config(case), case["engine_function"]
    if "alternative" in config:
        return str(config["alternative"])
    return "less" if "Lesser" in name else "greater" if "Greater" in name else "two-sided"


def _prior(spec: Values | None, scale: str = "relative") -> GaussianPrior:
    if not spec:
        return GaussianPrior()
    return GaussianPrior(spec.get("mean", 0.0), spec.get("variance", 1.0),
                         bool(spec.get("proper", False)), scale)


def _relative(case: Values) -> bool:
    return _config(case).get("difference_type", "absolute") == "relative"


# --- Needle's answer per family ---------------------------------------------------------------

def _test_values(r: Any) -> Values:
    return {"point_estimate": r.estimate, "se": r.se, "ci_lower": r.ci_lower,
            "ci_upper": r.ci_upper, "p_value": r.p_value}


def _frequentist(case: Values) -> Values:
    config = _config(case)
    a, b = pair(case["inputs"]["control"], case["inputs"]["treatment"])
    c = contrast(a, b, _relative(case))
    alternative = _alternative(case)
    if "sequential_tuning_parameter" in config:
        tuning = config["sequential_tuning_parameter"]
        r = confidence_sequence(c, config["alpha"], tuning, alternative=alternative)
        out = _test_values(r) | {"n_total": c.n_total,
                                 "rho": rho(config["alpha"], tuning, alternative)}
    else:
        out = _test_values(welch(c, config["alpha"], alternative)) | {"welch_dof": c.dof}
    return out | {"not_computable": c.reason.item(), "_contrast": c}


def _bayesian(case: Values) -> Values:
    config = _config(case)
    a, b = pair(case["inputs"]["control"], case["inputs"]["treatment"])
    c = contrast(a, b, _relative(case))
    prior = _prior(config.get("prior"), config.get("prior_type", "relative"))
    r = gaussian_effect(c, prior, config["alpha"], config.get("inverse", False),
                        _alternative(case))  # type: ignore[arg-type]
    return {"posterior_mean": r.mean, "posterior_sd": r.sd, "ci_lower": r.ci_lower,
            "ci_upper": r.ci_upper, "chance_to_win": r.chance_to_win,
            "risk_control": r.risk_control, "risk_treatment": r.risk_treatment,
            "data_point_estimate": c.estimate, "data_se": c.se,
            "not_computable": np.asarray(r.reason).item(), "_contrast": c}


def _srm(case: Values) -> Values:
    r = check_srm(case["inputs"]["users"], case["inputs"].get("weights"))
    return {"p_value": r.p_value, "not_computable": r.reason, "_srm": r}


def _multiple(case: Values) -> Values:
    inputs = case["inputs"]
    if "p_values" in inputs:
        p = np.asarray(inputs["p_values"], dtype=float)
        return {"p_holm": adjust_p_values(p, "holm"), "p_bh": adjust_p_values(p, "bh")}
    control, *treatments = inputs["arms"]
    per_arm, contrasts = [], []
    for treatment in treatments:
        a, b = pair(control, treatment)
        c = contrast(a, b, _relative(case))
        contrasts.append(c)
        per_arm.append(_test_values(welch(c, _config(case)["alpha"])) | {"welch_dof": c.dof})
    p = np.array([float(v["p_value"]) for v in per_arm])
    return {"per_arm": per_arm, "p_holm": adjust_p_values(p, "holm"),
            "p_bh": adjust_p_values(p, "bh"), "_contrasts": contrasts}


def _power(case: Values) -> Values:
    inputs = case["inputs"]
    if "metric" not in inputs:
        return _midexperiment(case)
    m = inputs["metric"]
    alpha = inputs.get("alpha", 0.05)
    if "n_per_variation" in inputs:
        n = inputs["n_per_variation"]
        args = (m["mean"], m["variance"], m["effect_size"], n, alpha)
        return {"power": bayesian_power(*args, _prior(inputs.get("prior"))),
                "power_improper_prior": bayesian_power(*args)}
    arms, n_total = inputs.get("n_variations", 2), inputs["n_total"]
    tuning = inputs.get("sequential_tuning_parameter")
    alternative = "two-sided" if inputs.get("two_tailed", True) else "greater"
    shared = dict(arms=arms, alpha=alpha, tuning=tuning, alternative=alternative)
    se = relative_se(m["mean"], m["variance"], n_total / arms, m["effect_size"])
    return {"power": power(m["mean"], m["variance"], m["effect_size"], n_total, **shared),
            "se_relative": se * _sequential_inflation(n_total, alpha, tuning),
            "mde_relative_at_power_0.8": minimum_detectable_effect(
                m["mean"], m["variance"], n_total, target=inputs["target_power_for_mde"],
                **shared)}


def _midexperiment_solve(case: Values) -> tuple[Any, Values]:
    inputs, config = case["inputs"], _config(case)
    a, b = pair(inputs["control"], inputs["treatment"])
    c = contrast(a, b, relative=config.get("difference_type", "relative") == "relative")
    tests = family_size(config.get("num_variations", 2), config.get("num_goal_metrics", 1),
                        config.get("p_value_corrected", False))
    prior = config.get("prior_effect") or config.get("prior")
    kwargs = dict(alpha=config["alpha"], target=config["target_power"],
                  tuning=config.get("sequential_tuning_parameter") if config.get("sequential")
                  else None, tests=tests, goal_metrics=config.get("num_goal_metrics", 1),
                  prior=_prior(prior) if inputs.get("engine") == "bayesian" else None)
    return c, kwargs


def _midexperiment(case: Values) -> Values:
    c, kwargs = _midexperiment_solve(case)
    var, n, mde = float(c.se) ** 2, float(c.n_total), _config(case)["target_mde"]
    r = sample_needed(var, n, mde, **kwargs)
    out: Values = {
        "sigmahat2_delta": var, "pairwise_sample_size": n, "power_at_current_n": r.power_now,
        "scaling_factor": r.scaling_factor, "additional_users": r.additional_units,
        "adjusted_target_power": r.target,
        "multiplier": stats.norm.isf(kwargs["alpha"] / (2 * kwargs["tests"])),
        "not_computable": c.reason.item()}
    reported = case["outputs"].get("scaling_factor")
    if reported is not None:
        # Needle's power curve where gbstats stopped its bisection
        out["power_at_scaling_factor"] = _power_at(var, n, mde, kwargs, float(reported))
    return out


def _power_at(var: float, n: float, mde: float, kwargs: Values, scale: float) -> float:
    """Needle's power after ``scale`` times more units: the power now of an experiment whose
    effect variance has shrunk by 1 + scale."""
    grown = sample_needed(var / (1 + scale), n * (1 + scale), mde, **kwargs)
    return float(grown.power_now)


def _bandit(case: Values) -> Values:
    inputs, config = case["inputs"], _config(case)
    arms = [arm(s) for s in inputs["arms"]]
    n = np.array([float(s.n) for s in arms])
    mean = np.array([float(s.mean) for s in arms])
    var = np.array([float(s.variance) for s in arms]) / n
    spec = config.get("prior") or {"mean": config.get("prior_mean", 0.0),
                                   "variance": config.get("prior_variance", 1e4),
                                   "proper": config.get("prior_proper", True)}
    prior = _prior(spec, "absolute")
    r = thompson(n, mean, var, inputs["current_weights"], prior, config.get("alpha", 0.05),
                 config.get("inverse", False), config.get("top_two", True),
                 config.get("min_variation_weight", 0.01))
    return {"posterior_mean": r.posterior_mean, "posterior_sd": r.posterior_sd,
            "best_arm_probabilities": r.best_arm_probabilities,
            "bandit_weights": r.weights if r.enough_units else None,
            "ci": np.stack([r.ci_lower, r.ci_upper], axis=-1), "enough_units": r.enough_units,
            "_result": r}


def _poststrat(case: Values) -> Values:
    cells = case["inputs"]["cells"]
    c = post_stratified_contrast([arm(x["control"]) for x in cells],
                                 [arm(x["treatment"]) for x in cells], _relative(case))
    r = welch(c, _config(case)["alpha"], _alternative(case))  # type: ignore[arg-type]
    return _test_values(r) | {"welch_dof": c.dof, "not_computable": c.reason.item()}


SOLVERS: dict[str, Callable[[Values], Values]] = {
    "binomial": _frequentist, "mean": _frequentist, "ratio": _frequentist,
    "cuped": _frequentist, "quantile": _frequentist, "sequential": _frequentist,
    "bayesian": _bayesian, "srm": _srm, "multiple_testing": _multiple, "power": _power,
    "bandit": _bandit, "post_stratification": _poststrat,
}


# --- deliberate differences from the reference engine ----------------------------------------

def _ref(case: Values, source: str) -> Values:
    """The values of the case's reference whose source mentions ``source``."""
    found = [r["values"] for r in case.get("references", []) if source in r["source"]]
    assert found, f"{case['name']}: no reference {source!r} to check Needle's method against"
    return found[0]


@dataclass(frozen=True)
class Difference:
    """Where Needle deliberately differs: for cases matching ``applies``, the listed output
    keys are checked by ``check`` (against a reference or a closed form) instead of 1e-6
    agreement with the reference engine."""

    why: str
    applies: Callable[[Values], bool]
    keys: tuple[str, ...]
    check: Callable[[Values, Values], None]


def _close(got: Any, want: Any, tol: float = TOL, what: str = "") -> None:
    want = np.asarray(want, dtype=float)
    got = np.asarray(got, dtype=float).reshape(want.shape)
    assert np.allclose(got, want, rtol=0, atol=tol, equal_nan=False), (what, got, want)


def _cuped_lift_by_hand(case: Values) -> tuple[float, float]:
    """(lift, se) of the CUPED lift by the exact-gradient delta method, from the per-arm means
    and their covariances computed here from the raw sums (theta pooled over both arms)."""
    inputs = case["inputs"]
    arms = [inputs["control"], inputs["treatment"]]

    def moments(s: Values) -> tuple[float, ...]:
        n, y, x = s["n"], s["post"], s["pre"]
        my, mx = y["sum"] / n, x["sum"] / n
        vy = (y["sum_squares"] - n * my**2) / (n - 1)
        vx = (x["sum_squares"] - n * mx**2) / (n - 1)
        cxy = (s["post_pre_sum_of_products"] - n * my * mx) / (n - 1)
        return n, my, mx, vy, vx, cxy

    (n_a, y_a, x_a, vy_a, vx_a, c_a), (n_b, y_b, x_b, vy_b, vx_b, c_b) = map(moments, arms)
    pooled = [sum(s[k]["sum"] for s in arms) for k in ("post", "pre")]
    n = n_a + n_b
    cov_xy = (sum(s["post_pre_sum_of_products"] for s in arms) - pooled[0] * pooled[1] / n)
    var_x = sum(s["pre"]["sum_squares"] for s in arms) - pooled[1] ** 2 / n
    theta = cov_xy / var_x
    lift = ((y_b - theta * x_b) - (y_a - theta * x_a)) / abs(y_a)
    grad = np.array([-(1 + lift) / y_a, theta / y_a, 1 / y_a, -theta / y_a])
    cov = np.array([[vy_a / n_a, c_a / n_a, 0, 0], [c_a / n_a, vx_a / n_a, 0, 0],
                    [0, 0, vy_b / n_b, c_b / n_b], [0, 0, c_b / n_b, vx_b / n_b]])
    return float(lift), float(np.sqrt(grad @ cov @ grad))


def _cuped_relative(case: Values, mine: Values) -> None:
    """gbstats' relative CUPED gradient drops the theta (x_A - x_B) term; Needle's is exact:
    checked against the exact-gradient reference or the same computed by hand."""
    lift, se = _cuped_lift_by_hand(case)
    refs = [r["values"] for r in case.get("references", [])
            if r["source"].startswith("statsmodels NonlinearDeltaCov")]
    if refs:
        lift, se = refs[0]["point_estimate"], refs[0]["se"]
    c, alpha = mine["_contrast"], _config(case)["alpha"]
    if case["category"] == "bayesian":
        _bayes_closed_form(case, mine, lift, se)
        return
    _close(mine["point_estimate"], lift, what="point_estimate")
    _close(mine["se"], se, what="se")
    t = stats.t.ppf(1 - alpha / 2, c.dof)
    _close(mine["ci_lower"], lift - t * se, what="ci_lower")
    _close(mine["p_value"], 2 * stats.t.sf(abs(lift / se), c.dof), what="p_value")


def _bayes_closed_form(case: Values, mine: Values, estimate: float, se: float,
                       prior_scale: float = 1.0) -> None:
    """The conjugate normal posterior and its summaries, written out here."""
    config = _config(case)
    p = config.get("prior") or {}
    v = se**2
    if p.get("proper"):
        m0, v0 = p["mean"] / prior_scale, p["variance"] / prior_scale**2
        precision = 1 / v0 + 1 / v
        mean, sd = (m0 / v0 + estimate / v) / precision, precision**-0.5
    else:
        mean, sd = estimate, se
    z = stats.norm.isf(config["alpha"] / 2)
    win = stats.norm.sf(0, mean, sd)
    gain = sd * stats.norm.pdf(mean / sd) + mean * stats.norm.cdf(mean / sd)
    loss = gain - mean
    if config.get("inverse"):
        win, gain, loss = 1 - win, loss, gain
    for key, want in (("data_se", se), ("posterior_mean", mean), ("posterior_sd", sd),
                      ("ci_lower", mean - z * sd), ("ci_upper", mean + z * sd),
                      ("chance_to_win", win), ("risk_control", gain),
                      ("risk_treatment", loss)):
        _close(mine[key], want, 1e-9, key)


def _sequential_one_sided_p(case: Values, mine: Values) -> None:
    """gbstats bisects for the level at which the bound touches 0 (to |bound| < 1e-6, clamped
    to [1e-5, 0.4999]); Needle solves it in closed form. At gbstats' level Needle's bound must
    touch 0; at the clamps Needle's p must lie beyond them."""
    want, got = case["outputs"]["p_value"], float(mine["p_value"])
    if want <= 1e-5:
        assert got <= 1e-5
    elif want >= 0.4999:
        assert got >= 0.4999
    else:
        config, c = _config(case), mine["_contrast"]
        alternative = _alternative(case)
        half = halfwidth(c.se, c.n_total, want, config["sequential_tuning_parameter"],
                         config["alpha"], alternative)  # type: ignore[arg-type]
        bound = c.estimate + half if alternative == "less" else c.estimate - half
        _close(bound, 0.0, 1e-5, "bound at gbstats' p")
        _close(got, want, 1e-3, "p_value")


def _corrected_intervals(case: Values, mine: Values) -> None:
    """GrowthBook widens an ad hoc sd; Needle draws each interval at alpha * p / p_adj, so it
    excludes 0 exactly when the adjusted p-value is below alpha."""
    alpha = _config(case)["alpha"]
    p = np.array([float(v["p_value"]) for v in mine["per_arm"]])
    for method in ("holm", "bh"):
        adjusted = mine[f"p_{method}"]
        level = corrected_alpha(alpha, p, adjusted)
        for c, lvl, p_adj in zip(mine["_contrasts"], level, adjusted, strict=True):
            wide = welch(c, lvl)
            assert bool((wide.ci_lower > 0) | (wide.ci_upper < 0)) == bool(p_adj <= alpha)
            t = stats.t.ppf(1 - lvl / 2, c.dof)
            _close(wide.ci_lower, c.estimate - t * c.se, 1e-12, "corrected ci")


def _scaling_factor(case: Values, mine: Values) -> None:
    """gbstats stops its bisection at |power - target| < 1e-5; Needle solves to ~1e-13. So
    Needle's power at gbstats' factor must be within 1e-5 of the target, and Needle's factor
    must match an exact root-finder where the case has one."""
    out = case["outputs"]
    if out.get("scaling_factor") in (None, 0):
        _close(mine["scaling_factor"], out.get("scaling_factor") or 0.0, what="scaling_factor")
        return
    _close(mine["power_at_scaling_factor"], out["adjusted_target_power"], 1e-5, "power")
    exact = [r["values"] for r in case.get("references", []) if "brentq" in r["source"]]
    want = exact[0]["scaling_factor"] if exact else out["scaling_factor"]
    tol = TOL if exact else 1e-3 * out["scaling_factor"]
    _close(mine["scaling_factor"], want, tol, "scaling_factor")
    _close(mine["additional_users"], want * float(mine["pairwise_sample_size"]),
           tol * float(mine["pairwise_sample_size"]), "additional_users")


def _monte_carlo(case: Values, mine: Values) -> None:
    """gbstats estimates best-arm chances (and weights) from 10,000 seeded draws; Needle
    integrates exactly, so agreement is to Monte-Carlo error (5 standard errors), and to 1e-6
    with an exact integration the case carries."""
    out, draws = case["outputs"], 10_000
    best = np.asarray(out["best_arm_probabilities"], dtype=float)
    _close(mine["best_arm_probabilities"], best,
           float(5 * np.sqrt(np.max(best * (1 - best)) / draws) + 1e-3), "best arm")
    exact = [r["values"] for r in case.get("references", [])
             if "best_arm_probabilities" in r["values"] and "integration" in r["source"]]
    if exact:
        _close(mine["best_arm_probabilities"], exact[0]["best_arm_probabilities"], what="exact")
    if out.get("bandit_weights") is None or mine["bandit_weights"] is None:
        return
    w = np.asarray(out["bandit_weights"], dtype=float)
    config = _config(case)
    if config.get("inverse") and config.get("top_two", True):
        # gbstats counts the second and third smallest draws here; the top two of a
        # lower-is-better metric are the two smallest, drawn here from gbstats' posterior
        y = np.random.default_rng(0).normal(out["posterior_mean"], out["posterior_sd"],
                                            size=(400_000, len(w)))
        order = np.argsort(y, axis=1)
        top = (np.bincount(order[:, 0], minlength=len(w))
               + np.bincount(order[:, 1], minlength=len(w))) / (2 * len(y))
        f = max(0.0, config.get("min_variation_weight", 0.01))
        w, draws = f + (1 - f * len(w)) * top, 400_000
    _close(mine["bandit_weights"], w, float(5 * np.sqrt(0.25 / draws) + 1e-3), "weights")


def _bandit_interval(case: Values, mine: Values) -> None:
    """gbstats centres the credible interval on the data mean with the posterior sd; Needle on
    the posterior mean (its own posterior, checked against gbstats' above)."""
    out = case["outputs"]
    z = stats.norm.isf(_config(case).get("alpha", 0.05) / 2)
    centre, sd = np.asarray(out["posterior_mean"]), np.asarray(out["posterior_sd"])
    _close(mine["ci"], np.stack([centre - z * sd, centre + z * sd], axis=-1), what="ci")


def _classic_poststrat(case: Values) -> tuple[float, float]:
    """(estimate, se) of the classic post-stratified estimator, written out from the cells'
    sums: w_k = n_k / n, effect sum_k w_k (mean_Bk - mean_Ak), variance conditional on the
    shares; a relative effect divides by |sum_k w_k mean_Ak| (delta method)."""
    def moments(s: Values) -> tuple[float, float, float]:
        n, mean = s["n"], s["sum"] / s["n"]
        var = mean * (1 - mean) if s["type"] == "proportion" else (
            (s["sum_squares"] - n * mean**2) / (n - 1))
        return n, mean, var

    cells = [(moments(c["control"]), moments(c["treatment"])) for c in case["inputs"]["cells"]]
    n = np.array([a[0] + b[0] for a, b in cells])
    w = n / n.sum()
    d = sum(wk * (b[1] - a[1]) for wk, (a, b) in zip(w, cells, strict=True))
    if not _relative(case):
        var = sum(wk**2 * (a[2] / a[0] + b[2] / b[0]) for wk, (a, b) in zip(w, cells,
                                                                           strict=True))
        return float(d), float(np.sqrt(var))
    c = sum(wk * a[1] for wk, (a, _) in zip(w, cells, strict=True))
    var = sum(wk**2 * ((1 / abs(c) + d * np.sign(c) / c**2) ** 2 * a[2] / a[0]
                       + b[2] / (b[0] * c**2)) for wk, (a, b) in zip(w, cells, strict=True))
    return float(d / abs(c)), float(np.sqrt(var))


def _poststrat_se(case: Values, mine: Values) -> None:
    """gbstats adds the uncertainty of the cell shares; Needle reports the classic estimator
    conditional on them (the case's reference, or written out here), and its interval and
    p-value follow from that se."""
    refs = [r["values"] for r in case.get("references", [])
            if r["source"].startswith("classic post-stratified") and _relative(case) is False]
    estimate, se = ((refs[0]["point_estimate"], refs[0]["se"]) if refs
                    else _classic_poststrat(case))
    _close(mine["point_estimate"], estimate, what="point_estimate")
    _close(mine["se"], se, what="se")
    if "point_estimate" in case["outputs"]:  # the engine's estimate, whatever its se
        _close(mine["point_estimate"], case["outputs"]["point_estimate"], what="estimate")
    dof, alpha, side = float(mine["welch_dof"]), _config(case)["alpha"], _alternative(case)
    t = stats.t.isf(alpha / (2 if side == "two-sided" else 1), dof)
    lower = estimate - t * se if side != "less" else -np.inf
    upper = estimate + t * se if side != "greater" else np.inf
    p = {"two-sided": 2 * stats.t.sf(abs(estimate / se), dof),
         "greater": stats.t.sf(estimate / se, dof), "less": stats.t.cdf(estimate / se, dof)}
    _close(mine["ci_lower"], lower, what="ci_lower")
    _close(mine["ci_upper"], upper, what="ci_upper")
    _close(mine["p_value"], p[side], what="p_value")


def _srm_positive_arms(case: Values, mine: Values) -> None:
    """gbstats keeps zero-weight arms in the degrees of freedom; Needle tests the
    positive-weight arms alone (scipy.stats.chisquare over them) and reports any unit in a
    zero-weight arm as a finding of its own."""
    users = np.asarray(case["inputs"]["users"], dtype=float)
    weights = np.asarray(case["inputs"].get("weights") or np.ones(len(users)), dtype=float)
    keep = weights > 0
    r = mine["_srm"]
    assert r.unplanned_units == users[~keep].sum()
    assert (r.ok is False) if users[~keep].sum() else True
    if users[keep].sum() == 0:
        assert r.p_value is None and r.reason
        return
    expected = users[keep].sum() * weights[keep] / weights[keep].sum()
    _close(mine["p_value"], stats.chisquare(users[keep], expected).pvalue, what="p_value")


def _absolute_prior_for_lift(case: Values, mine: Values) -> None:
    """gbstats leaves an absolute prior unscaled for a relative effect (its check compares the
    config object with a string); Needle divides it by |control mean|, variance by its square."""
    c = mine["_contrast"]
    _bayes_closed_form(case, mine, float(c.estimate), float(c.se), abs(float(c.denominator)))


def _sequential(case: Values) -> bool:
    return "sequential_tuning_parameter" in _config(case)


def _srm_differs(case: Values) -> bool:
    """A zero-weight arm, or no units at all (gbstats: p = 1; Needle: not computable)."""
    inputs = case["inputs"]
    return case["category"] == "srm" and (any(w <= 0 for w in inputs.get("weights") or [1])
                                          or sum(inputs["users"]) == 0)


def _cuped_lift(case: Values) -> bool:
    inputs = case["inputs"]
    return _relative(case) and inputs.get("control", {}).get("type") == "ra"


DIFFERENCES = (
    Difference("exact delta-method gradient for relative CUPED (gbstats drops theta terms)",
               _cuped_lift, ("point_estimate", "se", "ci_lower", "ci_upper", "p_value",
                             "posterior_mean", "posterior_sd", "chance_to_win", "risk_control",
                             "risk_treatment", "data_se"), _cuped_relative),
    Difference("one-sided sequential p-value in closed form, not by clamped bisection",
               lambda c: _sequential(c) and _alternative(c) != "two-sided", ("p_value",),
               _sequential_one_sided_p),
    Difference("corrected intervals at alpha * p / p_adj",
               lambda c: "arms" in c["inputs"] and c["category"] == "multiple_testing",
               ("ci_holm_adjusted", "ci_bh_adjusted"), _corrected_intervals),
    Difference("scaling factor solved exactly", lambda c: "scaling_factor" in c["outputs"],
               ("scaling_factor", "additional_users", "power_at_scaling_factor"),
               _scaling_factor),
    Difference("best-arm chances integrated, not drawn", lambda c: c["category"] == "bandit",
               ("best_arm_probabilities", "bandit_weights"), _monte_carlo),
    Difference("bandit interval centred on the posterior", lambda c: c["category"] == "bandit",
               ("ci",), _bandit_interval),
    Difference("post-stratified se conditional on the cell shares",
               lambda c: c["category"] == "post_stratification",
               ("point_estimate", "se", "ci_lower", "ci_upper", "p_value", "welch_dof"),
               _poststrat_se),
    Difference("SRM over the positive-weight arms", _srm_differs, ("p_value",),
               _srm_positive_arms),
    Difference("an absolute prior rescaled for a relative effect",
               lambda c: c["category"] == "bayesian" and _relative(c)
               and _config(c).get("prior_type") == "absolute"
               and bool(_config(c).get("prior", {}).get("proper")),
               ("posterior_mean", "posterior_sd", "ci_lower", "ci_upper", "chance_to_win",
                "risk_control", "risk_treatment"), _absolute_prior_for_lift),
)


# --- references computing Needle's own alternative methods -----------------------------------

def _fieller(case: Values, mine: Values, ref: Values) -> None:
    c = mine["_contrast"]
    lower, upper, g = fieller(c, _config(case)["alpha"])
    # the reference is for mB/mA - 1; Needle's lift divides by |mA|, which flips the sign
    # (and the bounds) when the control mean is negative
    lo, hi = ref["ci_lower"], ref["ci_upper"]
    if float(c.denominator) < 0:
        lo, hi = -hi, -lo
    _close([g, lower, upper], [ref["g"], lo, hi], what="fieller")


def _beta(case: Values, mine: Values, ref: Values) -> None:
    a, b = case["inputs"]["control"], case["inputs"]["treatment"]
    r = beta_binomial([a["n"], b["n"]], [a["sum"], b["sum"]], _config(case)["alpha"])
    _close(r.chance_to_beat_control[1], ref["chance_to_win"], what="beta chance to win")


def _best_exact(case: Values, mine: Values, ref: Values) -> None:
    r = mine["_result"]
    _close(gaussian_best(r.posterior_mean, r.posterior_sd), ref["best_arm_probabilities"],
           what="exact best arm")


OWN_METHODS: dict[str, Callable[[Values, Values, Values], None]] = {
    "Fieller interval": _fieller,
    "Beta(1,1)-Binomial": _beta,
    "numerical integration P(arm i is max)": _best_exact,
}


# --- the comparison ---------------------------------------------------------------------------

def _numeric(value: Any) -> bool:
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, str):
        return value in ("inf", "-inf", "nan")
    if isinstance(value, list):
        return all(_numeric(v) for v in value)
    return isinstance(value, int | float)


def _raised(outputs: Values) -> bool:
    """The reference engine raised instead of answering (the case declares the exception)."""
    return any(k in outputs for k in ("exception", "raises", "error_type")) or (
        not any(_numeric(v) for v in outputs.values())
        and any(isinstance(v, str) and "Error" in v for v in outputs.values()))


def _compare(key: str, got: Any, want: Any) -> int:
    """Compare one output (numbers, lists, lists of per-arm dicts); the number of values."""
    if isinstance(want, list) and want and isinstance(want[0], dict):
        return sum(_compare(f"{key}[{i}].{k}", g.get(k), v)
                   for i, (g, w) in enumerate(zip(got, want, strict=True))
                   for k, v in w.items() if _numeric(v) and k in g)
    if not _numeric(want):
        return 0
    assert got is not None, f"Needle gives no {key}"
    _close(got, np.asarray(want, dtype=float), what=key)
    return 1


def _finite(value: Any) -> bool:
    arrays = [np.asarray(v, dtype=float) for v in np.atleast_1d(value) if v is not None]
    return all(np.all(np.isfinite(a)) for a in arrays)


CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case: Values) -> None:
    mine = SOLVERS[case["category"]](case)
    outputs = case["outputs"]
    if _raised(outputs):
        # the reference engine raised: Needle must answer, finitely, for what it can compute
        public = {k: v for k, v in mine.items() if not k.startswith("_")
                  and k != "not_computable" and v is not None}
        assert public and all(_finite(v) for v in public.values()), public
        return
    if outputs.get("error_message"):
        # gbstats flags an error and returns an uninformative default; Needle says why instead
        assert mine.get("not_computable"), mine
        assert all(not _finite(mine[k]) for k in ("p_value", "posterior_mean") if k in mine)
        return
    differences = [d for d in DIFFERENCES if d.applies(case)]
    declared = {k for d in differences for k in d.keys}
    for d in differences:
        d.check(case, mine)
    compared = sum(_compare(k, mine.get(k), v) for k, v in outputs.items()
                   if k not in declared and k in mine)
    unanswered = [k for k, v in outputs.items()
                  if _numeric(v) and k not in mine and k not in IGNORED | declared]
    assert not unanswered, f"Needle gives no {unanswered}"
    for source, check in OWN_METHODS.items():
        for ref in case.get("references", []):
            if ref["source"].startswith(source):
                check(case, mine, ref["values"])
    assert compared or differences, "nothing of this case was checked"


# Outputs that describe the reference engine's run, not a statistic: its random seed.
IGNORED = frozenset({"seed"})


def test_every_case_is_read() -> None:
    """Every family in the files has a reader, and without NEEDLE_STATS_VECTORS both files
    are read."""
    assert {c["category"] for c in CASES} <= set(SOLVERS)
    assert len({c["name"] for c in CASES}) == len(CASES)
    if vectors_paths() == list(DEFAULT):
        assert len(CASES) == sum(len(json.loads(p.read_text(encoding="utf-8")))
                                 for p in DEFAULT)
