"""Experiment benchmark.

(1) 1,000 metrics x 3 variants analysed (frequentist + exact Bayesian + Holm + power + verdicts),
and its Welch + Holm core against a per-metric scipy/statsmodels loop. (2) Per-unit metric
aggregation over a synthetic event file, from the columnar cache and by SQL, against Needle's
funnel query (from the same cache and by SQL) and a plain DuckDB funnel on the same data; the
cache is built once before the timed runs (its build time is shown). A feature-flag experiment
(PostHog's ``$feature_flag_called``) finds its exposures in the cache; one with a custom exposure
event reads them from the lake's JSON the first time and saves them, and later analyses (the
"again" row) read them back; a sum metric's property values are read and saved the same way.
Ratios are to Needle's cached funnel. (3) A bandit update (best-arm and top-two chances, next
weights) for 3 and 10 arms by Needle's quadrature against 10,000 Monte-Carlo draws, the way
gbstats estimates them (peer), with the largest difference between the two.

``--smoke`` runs tiny sizes in a few seconds; ``--events N`` sets the event count (default 50M).
Timings are wall-clock best-of-N on a shared machine: treat small differences as noise.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests

from needle.analytics.duckdb import DuckDBEngine
from needle.analytics.specs import Exposure
from needle.experiments import AnalysisOptions, analyze
from needle.experiments.aggregate import aggregate
from needle.experiments.metrics import parse_metric
from needle.experiments.sums import ExperimentSums, MetricSums
from needle.stats import thompson

VARIANTS = ("control", "a", "b")


def _best(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best wall-clock and best CPU seconds of ``repeat`` runs (CPU time is less noisy on a
    shared machine; DuckDB's threads make it exceed wall time for the queries)."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return min(wall), min(cpu)


def synthetic_sums(metrics: int, seed: int = 1) -> ExperimentSums:
    """Half proportions, half skewed means; 50k units per variant."""
    rng = np.random.default_rng(seed)
    n = np.full(3, 50_000.0)
    out = []
    for i in range(metrics):
        if i % 2 == 0:
            conv = rng.binomial(50_000, rng.uniform(0.02, 0.4) * np.array([1, 1.01, 0.99]))
            out.append(MetricSums(f"m{i}", "proportion", n, conv.astype(float),
                                  conv.astype(float)))
        else:
            mean = rng.uniform(1, 100) * np.array([1, 1.02, 1.0])
            sd = mean * rng.uniform(0.5, 3)
            s = n * (mean + rng.normal(0, sd / np.sqrt(n)))
            out.append(MetricSums(f"m{i}", "mean", n, s, (sd**2) * (n - 1) + s**2 / n))
    return ExperimentSums(VARIANTS, n, tuple(out))


def scipy_loop(sums: ExperimentSums) -> None:
    """The peer: one Welch test per comparison with scipy, then statsmodels' Holm."""
    p = []
    for m in sums.metrics:
        mean = m.sum / m.n
        var = (m.sum_squares - m.sum**2 / m.n) / (m.n - 1)
        for k in (1, 2):
            p.append(stats.ttest_ind_from_stats(mean[k], np.sqrt(var[k]), m.n[k], mean[0],
                                                np.sqrt(var[0]), m.n[0], equal_var=False)[1])
    multipletests(p, method="holm")


def stats_only(sums: ExperimentSums) -> None:
    """Needle's share of the peer's work: vectorised Welch tests plus Holm, nothing else."""
    from needle.stats import SampleMean, adjust_p_values, contrast, welch

    n, s, ss = (np.stack([getattr(m, f) for m in sums.metrics]) for f in
                ("n", "sum", "sum_squares"))
    a, b = SampleMean(n[:, :1], s[:, :1], ss[:, :1]), SampleMean(n[:, 1:], s[:, 1:], ss[:, 1:])
    adjust_p_values(welch(contrast(a, b)).p_value.ravel(), "holm")


def write_events(path: Path, events: int, users: int) -> None:
    """One Parquet file in the lake's schema: a flag exposure per user, the same exposure again
    as a custom event (``experiment_viewed``), then a mix of events."""
    names = "['purchase', '$pageview', 'click', 'view_item', 'search', 'add_to_cart']"
    duckdb.connect().execute(f"""
    COPY (SELECT uuid()::VARCHAR AS uuid,
      CASE WHEN i < {users} THEN '$feature_flag_called' WHEN i < 2 * {users}
           THEN 'experiment_viewed' ELSE {names}[1 + CAST(hash(i) % 6 AS BIGINT)] END AS event,
      'u' || CASE WHEN i < 2 * {users} THEN i % {users} ELSE hash(i * 7) % {users} END
        AS distinct_id,
      TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_microseconds(
        CAST(hash(i * 13) % CAST(30 * 86400e6 AS UBIGINT) AS BIGINT)) AS timestamp,
      CASE WHEN i < 2 * {users} THEN '{{"$feature_flag": "bench", "$feature_flag_response": "'
             || CASE WHEN hash(i % {users} * 3) % 2 = 0 THEN 'control' ELSE 'test' END || '"}}'
           ELSE '{{"amount": ' || hash(i * 17) % 100 || '}}' END AS properties
    FROM range({events}) t(i)) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)""")


FUNNEL_SQL = """
WITH ev AS (SELECT * FROM read_parquet(?)),
first AS (SELECT distinct_id, min(timestamp) AS t FROM ev
          WHERE event = '$feature_flag_called' GROUP BY 1)
SELECT count(*), count(*) FILTER (WHERE converted) FROM (
  SELECT f.distinct_id, bool_or(e.timestamp IS NOT NULL) AS converted
  FROM first f LEFT JOIN ev e ON e.distinct_id = f.distinct_id AND e.event = 'purchase'
    AND e.timestamp >= f.t AND e.timestamp <= f.t + INTERVAL 7 DAY
  GROUP BY 1)"""


def aggregation_rows(events: int, repeat: int) -> list[tuple[str, tuple[float, float]]]:
    from needle.analytics.builders import funnel_query
    from needle.analytics.index import open_columns

    with tempfile.TemporaryDirectory() as tmp:
        path, cache = Path(tmp) / "events.parquet", Path(tmp) / "cache"
        write_events(path, events, users=max(events // 25, 10))
        flag = Exposure("$feature_flag_called", "$feature_flag_response",
                            (("$feature_flag", "bench"),))
        custom = Exposure("experiment_viewed", flag.variant_property, flag.filters)
        metrics = [parse_metric("conversion:purchase:7")]
        revenue = [*metrics, parse_metric("sum:purchase:amount:7")]
        build = _best(lambda: open_columns(cache, [path]), 1)

        def cold() -> None:
            shutil.rmtree(cache / "exposures", ignore_errors=True)
            run_cached(custom, metrics)

        def cold_sum() -> None:
            shutil.rmtree(cache / "properties", ignore_errors=True)
            run_cached(flag, revenue)

        def run_cached(exposure: Exposure, metrics: list[Any]) -> Any:
            return aggregate(DuckDBEngine([path], index_dir=cache), exposure, metrics, "control")

        def run_sql(exposure: Exposure, metrics: list[Any]) -> Any:
            return aggregate(DuckDBEngine([path]), exposure, metrics, "control")

        query = funnel_query(["$feature_flag_called", "purchase"], window="7d")
        funnels = [_funnel(DuckDBEngine([path], index_dir=c), query, repeat) for c in (cache, None)]
        flagged = _best(lambda: run_cached(flag, metrics), repeat)
        first = _best(cold, repeat)
        cached = _best(lambda: run_cached(custom, metrics), repeat)
        ours = _best(lambda: run_sql(flag, metrics), repeat)
        sum_first = _best(cold_sum, repeat)
        sum_again = _best(lambda: run_cached(flag, revenue), repeat)
        sum_sql = _best(lambda: run_sql(flag, revenue), repeat)
        con = duckdb.connect()
        con.execute("SET enable_progress_bar = false")
        plain = _best(lambda: con.execute(FUNNEL_SQL, [str(path)]).fetchall(), repeat)
    return [("needle funnel, cache (peer)", funnels[0]),
            ("flag experiment, cache", flagged),
            ("custom exposure, first (reads JSON)", first),
            ("  again, exposures saved", cached), ("experiment aggregation, SQL", ours),
            ("flag + sum metric, first (reads JSON)", sum_first),
            ("  again, values saved", sum_again), ("flag + sum metric, SQL", sum_sql),
            ("needle funnel, SQL (peer)", funnels[1]),
            ("plain DuckDB funnel SQL (peer)", plain), ("columnar cache build (once)", build)]


def _funnel(engine: Any, query: Any, repeat: int) -> tuple[float, float]:
    from needle.analytics.engine import run

    try:
        return _best(lambda: run(engine, query), repeat)
    finally:
        engine.close()


def draws_peer(means: np.ndarray, sds: np.ndarray, draws: int = 10_000) -> np.ndarray:
    """Best-arm and top-two chances from seeded draws, as gbstats estimates them."""
    y = np.random.default_rng(0).normal(means, sds, size=(draws, len(means)))
    order = np.argsort(y, axis=1)
    k = len(means)
    first = np.bincount(order[:, -1], minlength=k) / draws
    second = np.bincount(order[:, -2], minlength=k) / draws
    return np.stack([first, (first + second) / 2])


def bandit_rows(arms: int, repeat: int) -> tuple[list[tuple[str, tuple[float, float]]], float]:
    rng = np.random.default_rng(arms)
    n = np.full(arms, 5_000.0)
    p = rng.uniform(0.09, 0.11, arms)
    var = p * (1 - p) / n

    def needle() -> Any:
        return thompson(n, p, var, np.full(arms, 1 / arms))

    r = needle()
    post_sd = r.posterior_sd
    gap = float(np.max(np.abs(draws_peer(r.posterior_mean, post_sd)[0]
                              - r.best_arm_probabilities)))
    return [("needle thompson (quadrature)", _best(needle, repeat)),
            ("10,000 draws (gbstats' way, peer)",
             _best(lambda: draws_peer(r.posterior_mean, post_sd), repeat))], gap


def _table(title: str, rows: list[tuple[str, tuple[float, float]]]) -> None:
    base = rows[0][1][0]
    print(f"\n{title}")
    print(f"{'':38} {'seconds':>9} {'cpu s':>8} {'ratio to first':>15}")
    for name, (wall, cpu) in rows:
        print(f"{name:38} {wall:9.3f} {cpu:8.3f} {wall / base:15.2f}", flush=True)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.experiments")
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--metrics", type=int, default=1_000)
    parser.add_argument("--events", type=int, default=50_000_000)
    args = parser.parse_args(argv)
    metrics, events, repeat = (20, 50_000, 1) if args.smoke else (args.metrics, args.events, 3)
    sums = synthetic_sums(metrics)
    options = AnalysisOptions(correction="holm")
    _table(f"analysis of {metrics} metrics x {len(VARIANTS)} variants", [
        ("needle analyze (all of it)", _best(lambda: analyze(sums, options), repeat)),
        ("needle.stats Welch + Holm only", _best(lambda: stats_only(sums), repeat)),
        ("scipy loop, Welch + Holm only (peer)", _best(lambda: scipy_loop(sums), repeat)),
    ])
    for arms in (3, 10):
        rows, gap = bandit_rows(arms, max(repeat, 3))
        _table(f"bandit update, {arms} arms (largest best-arm difference {gap:.4f})", rows)
    _table(f"per-unit aggregation over {events:,} events (ratios to the cached funnel)",
           aggregation_rows(events, repeat))
