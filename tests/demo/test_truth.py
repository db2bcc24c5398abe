"""The planted facts of needle/demo/truth.py are recoverable with plain SQL and scipy."""

from __future__ import annotations

import math

import numpy as np
import pytest
from posthog.feature_flags import get_matching_variant
from scipy import stats

from needle.demo import DemoInfo
from needle.demo.truth import FUNNEL, MIN_EVIDENCE, THEMES, evidence_count


def test_counts_match_the_build_record(con, demo: DemoInfo, demo_workspace) -> None:
    events, users = con.sql(
        "SELECT count(*), count(DISTINCT distinct_id) FROM events").fetchall()[0]
    assert events == demo.events == demo_workspace.lake.row_count()
    assert users == demo.users
    assert demo.evidence == evidence_count(demo.users) >= MIN_EVIDENCE
    names = con.sql("SELECT count(DISTINCT event) FROM events").fetchall()[0][0]
    assert 15 <= names <= 25
    assert con.sql("SELECT count(DISTINCT uuid) FROM events").fetchall()[0][0] == events


def test_funnel_steps_follow_each_other_after_minutes_to_days(con) -> None:
    firsts = ", ".join(
        f"min(timestamp) FILTER (WHERE event = '{step}') AS s{i}" for i, step in enumerate(FUNNEL))
    out_of_order, fastest, slowest, users = con.sql(f"""
        WITH f AS (SELECT distinct_id, {firsts} FROM events GROUP BY distinct_id)
        SELECT count(*) FILTER (WHERE s1 < s0 OR s2 < s1 OR s3 < s2),
               min(epoch(s2) - epoch(s1)), max(epoch(s2) - epoch(s1)),
               [count(s0), count(s1), count(s2), count(s3)] FROM f""").fetchall()[0]
    assert out_of_order == 0
    assert fastest < 3600 and slowest > 3 * 86400
    assert users[0] > users[1] > users[2] > users[3] > 0.1 * users[0]


def test_launch_changes_onboarding_completion(con, demo: DemoInfo) -> None:
    launch = demo.truth.launch
    rows = con.sql(f"""
        WITH s AS (SELECT distinct_id, min(day_no) AS day_no FROM events WHERE event = 'signup'
                   GROUP BY ALL),
             o AS (SELECT DISTINCT distinct_id FROM events WHERE event = '{launch.step_to}')
        SELECT s.day_no >= {launch.day} AS after, count(*), count(o.distinct_id)
        FROM s LEFT JOIN o USING (distinct_id) WHERE s.day_no < {demo.days - 2}
        GROUP BY ALL ORDER BY after""").fetchall()
    (_, n0, k0), (_, n1, k1) = rows
    for n, k, planted in ((n0, k0, launch.rate_before), (n1, k1, launch.rate_after)):
        assert abs(k / n - planted) < 4 * math.sqrt(planted * (1 - planted) / n)
    assert stats.chi2_contingency([[k0, n0 - k0], [k1, n1 - k1]])[1] < 1e-9


def _conversions(con, demo: DemoInfo) -> dict[str, tuple[int, int, int]]:
    """Per variant: exposed users, converted to the metric, converted to the null metric."""
    e = demo.truth.experiment
    rows = con.sql(f"""
        WITH x AS (
            SELECT distinct_id, min(timestamp) AS t,
                   arg_min(properties->>'$."{e.variant_property}"', timestamp) AS variant
            FROM events WHERE event = '{e.exposure_event}'
              AND properties->>'$."{e.flag_property}"' = '{e.flag}' GROUP BY ALL),
        c AS (
            SELECT x.distinct_id,
                bool_or(ev.event = '{e.metric_event}'
                        AND ev.timestamp <= x.t + INTERVAL {e.metric_window_days} DAY) AS metric,
                bool_or(ev.event = '{e.null_event}'
                        AND ev.timestamp <= x.t + INTERVAL {e.null_window_days} DAY) AS null_
            FROM x JOIN events ev ON ev.distinct_id = x.distinct_id AND ev.timestamp >= x.t
            GROUP BY ALL)
        SELECT variant, count(*), count(*) FILTER (WHERE metric),
               count(*) FILTER (WHERE null_)
        FROM x LEFT JOIN c USING (distinct_id) GROUP BY ALL""").fetchall()
    return {variant: (n, m, z) for variant, n, m, z in rows}


def test_experiment_has_its_effect_and_no_other(con, demo: DemoInfo) -> None:
    e = demo.truth.experiment
    arms = _conversions(con, demo)
    assert set(arms) == {e.control, e.test}
    (nc, mc, zc), (nt, mt, zt) = arms[e.control], arms[e.test]
    assert stats.binomtest(nc, nc + nt, 0.5).pvalue > 0.01  # no sample ratio mismatch
    lift = mt / nt - mc / nc
    se = math.sqrt(mt / nt * (1 - mt / nt) / nt + mc / nc * (1 - mc / nc) / nc)
    assert abs(lift - e.metric_lift) < 2.5 * se
    assert stats.chi2_contingency([[mc, nc - mc], [mt, nt - mt]], correction=False)[1] < 0.01
    assert stats.chi2_contingency([[zc, nc - zc], [zt, nt - zt]], correction=False)[1] > 0.05
    assert abs((zc + zt) / (nc + nt) - e.null_rate) < 0.02


def test_incident_depresses_its_event_and_raises_errors(con, demo: DemoInfo) -> None:
    inc = demo.truth.incident
    daily = dict(con.sql(f"SELECT day_no, [count(*) FILTER (WHERE event = '{inc.event}'), "
                         f"count(*) FILTER (WHERE event = '{inc.error_event}')] "
                         "FROM events GROUP BY day_no").fetchall())
    for day in range(inc.start_day, inc.start_day + inc.days):
        same_weekday = [daily[day + w] for w in (-14, -7, 7, 14)]
        baseline = np.mean([c[0] for c in same_weekday])
        assert daily[day][0] / baseline == pytest.approx(1 - inc.depression, abs=0.08)
        assert daily[day][1] > 5 * np.mean([c[1] for c in same_weekday])


def test_weekends_are_quieter(con) -> None:
    weekend, weekday = con.sql("""
        SELECT avg(n) FILTER (WHERE isodow(d) >= 6), avg(n) FILTER (WHERE isodow(d) < 6)
        FROM (SELECT timestamp::DATE AS d, count(*) AS n FROM events WHERE day_no >= 28
              GROUP BY ALL)""").fetchall()[0]
    assert weekend < 0.6 * weekday


def test_bug_reporters_churn(con, demo: DemoInfo) -> None:
    churn = demo.truth.churn
    rows = con.sql(f"""
        WITH first AS (SELECT distinct_id, min(timestamp) AS t0 FROM events GROUP BY ALL),
        kept AS (SELECT distinct_id,
                        bool_or(timestamp >= t0 + INTERVAL {churn.retention_day} DAY) AS kept
                 FROM events JOIN first USING (distinct_id)
                 WHERE t0 < TIMESTAMPTZ '{demo.truth.start.isoformat()}'
                            + INTERVAL {demo.days - churn.retention_day - 1} DAY
                 GROUP BY ALL),
        reporters AS (SELECT customer, bool_or(theme = '{churn.theme}') AS bug
                      FROM evidence GROUP BY ALL)
        SELECT bug, count(*), count(*) FILTER (WHERE kept)
        FROM kept JOIN reporters ON customer = distinct_id GROUP BY ALL""").fetchall()
    groups = {bug: (n, k) for bug, n, k in rows}
    (nb, kb), (no, ko) = groups[True], groups[False]
    assert nb >= 30
    assert ko / no - kb / nb > churn.min_retention_gap
    assert stats.fisher_exact([[kb, nb - kb], [ko, no - ko]])[1] < 1e-6


def test_theme_volumes_trend_as_planted(con, demo: DemoInfo) -> None:
    third = demo.days // 3
    counts = {theme: (first, last) for theme, first, last in con.sql(f"""
        SELECT theme,
               count(*) FILTER (WHERE created_at < TIMESTAMP '{demo.truth.day_date(third)}'),
               count(*) FILTER (WHERE created_at >= TIMESTAMP '{demo.truth.day_date(2 * third)}')
        FROM evidence GROUP BY ALL""").fetchall()}
    for theme in THEMES:
        first, last = counts[theme.name]
        if theme.trend == "rising":
            assert last > 2.5 * first
        elif theme.trend == "falling":
            assert first > 2.5 * last
        else:
            assert 0.5 < (last + 1) / (first + 1) < 2


def test_evidence_is_realistic_and_does_not_give_its_theme_away(con, demo_workspace) -> None:
    stats_row = con.sql("""
        SELECT count(*), count(DISTINCT text), count(DISTINCT kind), count(theme),
               count(DISTINCT theme), count(*) FILTER (WHERE customer NOT IN
                   (SELECT DISTINCT distinct_id FROM events))
        FROM evidence""").fetchall()[0]
    total, distinct_texts, kinds, with_theme, themes, unknown_customers = stats_row
    assert with_theme == total and unknown_customers == 0
    assert kinds == 3 and themes == len(THEMES) + 1
    assert distinct_texts > 0.9 * total
    lengths = [r[0] for r in con.sql("SELECT length(text) FROM evidence").fetchall()]
    assert min(lengths) < 30 and max(lengths) > 300
    with demo_workspace.store.engine.connect() as db:
        rows = db.exec_driver_sql("SELECT meta, source FROM evidence")
        stored = " ".join(str(row) for row in rows)
    for theme in THEMES:
        assert theme.name not in stored and theme.label not in stored


def test_variants_follow_posthogs_own_bucketing(con, demo: DemoInfo) -> None:
    e = demo.truth.experiment
    flag = {"key": e.flag, "filters": {"multivariate": {"variants": [
        {"key": e.control, "rollout_percentage": 50}, {"key": e.test, "rollout_percentage": 50}]}}}
    rows = con.sql(f"""
        SELECT DISTINCT distinct_id, properties->>'$."{e.variant_property}"' FROM events
        WHERE event = '{e.exposure_event}'""").fetchall()
    assert len({user for user, _ in rows}) == len(rows) > 1000  # one variant per user
    assert all(get_matching_variant(flag, user) == variant for user, variant in rows)
