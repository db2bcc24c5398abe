"""``needle experiment``: define experiments, analyse them from events or from a table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from needle.cli import output
from needle.cli.context import open_workspace
from needle.cli.output import JsonFlag, print_json, print_table
from needle.cli.shapes import Fields, json_shape
from needle.errors import UserError
from needle.experiments import (
    Analysis,
    AnalysisOptions,
    ExperimentSpec,
    TableSpec,
    analyze_table,
)
from needle.experiments.definitions import (
    mark_guardrails,
    mark_lower_is_better,
    parse_alternatives,
    parse_directions,
    parse_split,
)
from needle.experiments.definitions import warnings as definition_warnings
from needle.experiments.results import MetricResult
from needle.experiments.table import parse_columns
from needle.experiments.verdicts import describe_exclusions
from needle.readable import count, effect, moment, number, percent, probability

app = typer.Typer(help="A/B experiments: define, analyse, decide.", no_args_is_help=True)

Alpha = Annotated[float, typer.Option(help="Significance level (family-wise with holm).")]
Correction = Annotated[str, typer.Option(help="Multiple-comparison rule: holm, bh or none.")]
Sequential = Annotated[float | None, typer.Option(
    "--sequential", help="Always-valid inference, tightest at this many units in total.")]
Mde = Annotated[float, typer.Option(help="Relative lift the power figures are for.")]
Split = Annotated[list[str] | None, typer.Option(
    "--split", help="VARIANT=WEIGHT of the planned traffic split, for the sample-ratio check "
                    "(repeat per variant; default: equal shares).")]
LowerIsBetter = Annotated[list[str] | None, typer.Option(
    "--lower-is-better", help="Metric whose fall is the good direction (repeatable).")]
AlternativeOpt = Annotated[list[str] | None, typer.Option(
    "--alternative", help="METRIC=two-sided|greater|less: the direction that metric is tested "
                          "in (repeatable; a bare direction applies to every metric; default "
                          "two-sided). One-sided intervals are open on the other side.")]

# Experiment.to_json and Analysis.to_json; docs/experiments.md says what each field means.
METRIC: Fields = {
    "name": "str", "kind": "str: conversion, count, sum or retention", "event": "str",
    "days": "float|null", "property_name": "str|null",
    "insight?": "str|null: the saved insight it was made from",
    "lower_is_better?": "bool: a fall is the good direction",
    "alternative?": "str: two-sided, greater or less (the direction tested)",
    "guardrail?": "bool: a counter metric that must not get worse",
    "timing?": "str|null: leading or lagging"}
EXPERIMENT: dict[str, Fields] = {
    "name": "str", "exposure_event": "str", "variant_property": "str",
    "exposure_filters": {"<property>": "str: the value the exposure event must carry"},
    "control": "str|null", "metrics": [METRIC], "hypothesis": "str", "decision_rule": "str",
    "alpha": "float", "correction": "str: holm, bh or none", "sequential_tuning": "float|null",
    "mde": "float", "split": ("null", {"<variant>": "float: planned weight"}), "author": "str",
    "created_at": "datetime", "locked_at": "datetime|null: when results were first read"}
_COMPARISON: Fields = {
    "variant": "str", "control": "str", "absolute_effect": "float|null",
    "absolute_ci": ["float|null"], "relative_effect": "float|null", "relative_ci": ["float|null"],
    "relative_ci_method": "str|null: delta or fieller", "p_value": "float|null: adjusted",
    "p_value_unadjusted": "float|null", "ci_level": "float|null", "significant": "bool",
    "chance_to_win": "float|null", "risk_if_shipped": "float|null", "risk_if_kept": "float|null",
    "power": "float|null", "mde": "float|null", "additional_units_needed": "float|null",
    "days_needed": "float|null", "not_computable": "str|null: why no test is possible",
    "verdict": "str", "alternative": "str: two-sided, greater or less"}
ANALYSIS: dict[str, Fields] = {
    "variants": [{"name": "str", "units": "int"}], "control": "str", "alpha": "float",
    "correction": "str", "sequential": "bool", "sequential_tuning": "float|null",
    "covariates": ["str"],
    "srm": {"p_value": "float|null", "chi2": "float|null", "ok": "bool|null",
            "warning": "str|null", "not_computable": "str|null",
            "unplanned_units": "int: units in variants planned at weight 0"},
    "excluded": {"units_in_several_variants?": "int", "duplicate_units?": "int",
                 "rows_excluded?": "int", "examples?": ["str"]},
    "metrics": [{"metric": "str", "kind": "str: proportion, mean, ratio or quantile",
                 "variants": [{"name": "str", "units": "int", "mean": "float|null",
                               "chance_to_be_best": "float|null"}],
                 "comparisons": [_COMPARISON]}],
    "verdict": "str: the primary metric's verdict"}



def _pairs(values: list[str], option: str) -> tuple[tuple[str, str], ...]:
    out = []
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep:
            raise UserError(f"{option} {value!r}: write it as KEY=VALUE")
        out.append((key.strip(), rest.strip()))
    return tuple(out)


@app.command()
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Experiment name.")],
    metric: Annotated[list[str], typer.Option(
        help="[NAME=]conversion:EVENT:DAYS | count:EVENT[:DAYS] | sum:EVENT:PROP[:DAYS] | "
             "retention:EVENT:DAY | insight:SAVED; repeatable, the first is primary.")],
    hypothesis: Annotated[str, typer.Option(help="What you expect and why.")],
    decision_rule: Annotated[str, typer.Option(help="What result makes you ship or stop.")],
    exposure_event: Annotated[str | None, typer.Option(
        help="Event that marks exposure (not with --flag).")] = None,
    variant_prop: Annotated[str | None, typer.Option(
        help="Property of that event naming the variant (not with --flag).")] = None,
    flag: Annotated[str | None, typer.Option(
        help="Feature flag KEY the experiment runs on: exposures are its $feature_flag_called "
             "events, the variant their $feature_flag_response, the control its first variant "
             "unless --control names one.")] = None,
    control: Annotated[str | None, typer.Option(help="Control variant.")] = None,
    exposure_filter: Annotated[list[str] | None, typer.Option(
        "--filter", help="KEY=VALUE the exposure event must carry (repeatable).")] = None,
    alpha: Alpha = 0.05,
    correction: Correction = "holm",
    sequential: Sequential = None,
    mde: Mde = 0.05,
    split: Split = None,
    lower_is_better: LowerIsBetter = None,
    alternative: AlternativeOpt = None,
    guardrail: Annotated[list[str] | None, typer.Option(
        help="Metric that must not get worse, a counter to the goal (repeatable; not the first "
             "metric).")] = None,
    timing: Annotated[list[str] | None, typer.Option(
        help="METRIC=leading|lagging: whether it moves within the test or later "
             "(repeatable).")] = None,
    replace: Annotated[bool, typer.Option(help="Redefine (only before results were read).")]
    = False,
) -> None:
    """Define an experiment; its hypothesis and decision rule lock when results are first read.

    A definition without a guardrail metric, or with metrics not tagged leading or lagging, is
    stored with a warning."""
    if flag is not None and (exposure_event or variant_prop):
        raise UserError("--flag sets the exposure: leave out --exposure-event and --variant-prop")
    if flag is None and not (exposure_event and variant_prop):
        raise UserError("name the exposure: --exposure-event and --variant-prop, or --flag KEY")
    workspace = open_workspace(ctx)
    metrics = mark_lower_is_better([workspace.experiment_metric(m) for m in metric],
                                   lower_is_better or [])
    spec = ExperimentSpec(
        name=name, exposure_event=exposure_event or "", variant_property=variant_prop or "",
        metrics=mark_guardrails(parse_alternatives(metrics, alternative or []), guardrail or [],
                                timing or []), hypothesis=hypothesis,
        decision_rule=decision_rule, control=control,
        exposure_filters=_pairs(exposure_filter or [], "--filter"), alpha=alpha,
        correction=correction, sequential_tuning=sequential, mde=mde,  # type: ignore[arg-type]
        split=parse_split(split or []))
    workspace.create_experiment(spec, replace=replace, flag=flag)
    typer.echo(f"Created experiment {name!r}")
    for warning in definition_warnings(spec):
        typer.echo(f"warning: {warning}", err=True)


@app.command("list")
@json_shape("Every experiment definition.", [EXPERIMENT])
def list_(ctx: typer.Context, json_: JsonFlag = False) -> None:
    """Every experiment with its exposure and whether results were read."""
    rows = [e.to_json() for e in open_workspace(ctx).experiments()]
    if json_:
        print_json(rows)
        return
    print_table(["name", "exposure", "metrics", "locked"],
                [[r["name"], r["exposure_event"], len(r["metrics"]),
                  moment(r["locked_at"]) or "no"] for r in rows])


@app.command()
@json_shape("The experiment's definition.", EXPERIMENT)
def show(ctx: typer.Context, name: str, json_: JsonFlag = False) -> None:
    """The definition: exposure, metrics, hypothesis and decision rule."""
    data = open_workspace(ctx).experiment(name).to_json()
    if json_:
        print_json(data)
        return
    print_table(["field", "value"], [[k, moment(v) if k.endswith("_at") else v]
                                     for k, v in data.items() if k != "metrics"])
    print_table(["metric", "kind", "event", "days", "property", "insight", "alternative",
                 "role", "timing"],
                [[m["name"], m["kind"], m["event"], number(m["days"]), m["property_name"],
                  m.get("insight"), m.get("alternative", "two-sided"),
                  "guardrail" if m.get("guardrail") else "goal", m.get("timing")]
                 for m in data["metrics"]])


@app.command()
@json_shape("The analysis, with the definition it was read under.",
            ANALYSIS | {"experiment": EXPERIMENT})
def analyze(ctx: typer.Context, name: str, json_: JsonFlag = False) -> None:
    """Analyse from the workspace's events; the first read locks the definition."""
    with output.err_console.status("Measuring the metrics from the event lake..."):
        experiment, result = open_workspace(ctx).analyze_experiment(name)
    if json_:
        print_json({"experiment": experiment.to_json(), **result.to_json()})
        return
    output.console.print(f"[bold]{name}[/bold]: {experiment.hypothesis}")
    output.console.print(f"Decision rule: {experiment.decision_rule}")
    _print_analysis(result)


@app.command("analyze-table")
@json_shape("The analysis of the table.", ANALYSIS)
def analyze_table_(
    file: Annotated[Path, typer.Argument(help="CSV or Parquet, one row per unit.")],
    variant: Annotated[str, typer.Option(help="Column naming each unit's variant.")],
    metric: Annotated[list[str], typer.Option(help="Metric column (repeatable).")],
    unit: Annotated[str | None, typer.Option(help="Unit id column (checked for duplicates).")]
    = None,
    control: Annotated[str | None, typer.Option(help="Control variant.")] = None,
    covariate: Annotated[list[str] | None, typer.Option(
        help="Pre-period covariate column for regression adjustment (repeatable).")] = None,
    alpha: Alpha = 0.05,
    correction: Correction = "holm",
    sequential: Sequential = None,
    mde: Mde = 0.05,
    split: Split = None,
    lower_is_better: LowerIsBetter = None,
    alternative: AlternativeOpt = None,
    json_: JsonFlag = False,
) -> None:
    """Analyse a per-unit table directly (no workspace needed)."""
    spec = TableSpec(variant, parse_columns(metric), unit, control,
                     parse_columns(covariate or []))
    if correction not in ("none", "holm", "bh"):
        raise UserError("--correction must be holm, bh or none")
    lower = frozenset(parse_columns(lower_is_better or []))
    if lower - set(spec.metrics):
        raise UserError(f"--lower-is-better {sorted(lower - set(spec.metrics))}: not a --metric")
    directions = parse_directions(spec.metrics, alternative or [])
    options = AnalysisOptions(alpha=alpha, correction=correction,  # type: ignore[arg-type]
                              sequential_tuning=sequential, mde=mde,
                              split=dict(parse_split(split or [])) or None,
                              lower_is_better=lower, alternatives=directions)
    with output.err_console.status(f"Reading {file.name}..."):
        result = analyze_table(file, spec, options)
    if json_:
        print_json(result.to_json())
        return
    _print_analysis(result)


BANDIT: Fields = {
    "arms": [{"name": "str", "units": "int", "mean": "float|null: period-weighted",
              "posterior_mean": "float|null", "posterior_sd": "float|null",
              "ci": ["float|null"], "chance_to_be_best": "float|null",
              "next_weight": "float: share of traffic for the next period"}],
    "periods": "int", "top_two": "bool", "enough_units": "bool: every arm has 100 units",
    "stop": "bool: the leader's chance to be best reached 0.95", "winner": "str|null",
    "message": "str"}


@app.command("bandit")
@json_shape("The bandit's state and next weights.", BANDIT)
def bandit(
    file: Annotated[Path, typer.Argument(help="CSV or Parquet, one row per unit.")],
    variant: Annotated[str, typer.Option(help="Column naming each unit's arm.")],
    metric: Annotated[str, typer.Option(help="Metric column (0/1 or a number).")],
    period: Annotated[str, typer.Option(help="Column naming the period each unit arrived in "
                                              "(the weights changed between periods).")],
    weights: Annotated[list[str] | None, typer.Option(
        "--weights", help="ARM=WEIGHT of the current period (repeat per arm; default "
                          "equal).")] = None,
    top_two: Annotated[bool, typer.Option(help="Top-two Thompson sampling.")] = True,
    lower_is_better: Annotated[bool, typer.Option(help="A fall is the good direction.")]
    = False,
    json_: JsonFlag = False,
) -> None:
    """Thompson sampling: each arm's chance to be best, the next weights, whether to stop."""
    from needle.experiments.bandit import BanditSpec, bandit_table

    current = dict(parse_split(weights, "weights")) if weights else None
    data = bandit_table(file, BanditSpec(variant, metric, period, current, top_two,
                                         lower_is_better))
    if json_:
        print_json(data)
        return
    print_table(["arm", "units", "mean", "chance best", "next weight"],
                [[a["name"], count(a["units"]), _mean(a["mean"]),
                  probability(a["chance_to_be_best"]), f"{a['next_weight'] * 100:.1f}%"]
                 for a in data["arms"]], title=f"{data['periods']} periods")
    output.console.print(data["message"], markup=False)


def _mean(x: float | None) -> str:
    return "-" if x is None else f"{x:.4g}"


def _interval(lo: float | None, hi: float | None, show: Any) -> str:
    return f"[{show(lo)}, {show(hi)}]"


def _methods(m: MetricResult) -> str:
    """The lift intervals' method(s), for the comparison table's title."""
    methods = sorted({c.relative_ci_method for c in m.comparisons if c.relative_ci_method})
    return f"lift intervals: {' and '.join(methods)} method" if methods else ""


def _print_analysis(result: Analysis) -> None:
    data = result.to_json()
    if data["srm"]["warning"]:
        output.console.print(data["srm"]["warning"], style="bold red", markup=False)
    excluded = describe_exclusions(result.excluded)
    if excluded:
        output.console.print(excluded, style="yellow", markup=False)
    for m in result.metrics:
        print_table(["variant", "units", "mean", "chance best"],
                    [[v.name, count(v.units), _mean(v.mean), probability(v.chance_to_be_best)]
                     for v in m.variants], title=f"{m.metric} ({m.kind})")
        print_table(["variant", "effect and interval", "lift and interval", "p", "win",
                     "significant"],
                    [[c.variant,
                      f"{effect(c.absolute_effect)}\n{_interval(*c.absolute_ci, effect)}",
                      f"{percent(c.relative_effect)}\n{_interval(*c.relative_ci, percent)}",
                      probability(c.p_value), probability(c.chance_to_win),
                      "yes" if c.significant else "no"] for c in m.comparisons],
                    title=_methods(m) or None)
    output.console.print(result.verdict, markup=False)
