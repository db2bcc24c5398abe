"""Saved insights as data behind artifacts: reach counts a funnel's drop-offs, and a two-step
funnel becomes a proposal's success metric."""

from __future__ import annotations

import duckdb
import pytest

from needle.analytics.builders import funnel_query
from needle.artifacts import problems, proposals, store
from needle.artifacts.links import Link
from needle.errors import UserError
from tests.artifacts.tinyproduct import LAUNCH

pytestmark = pytest.mark.parametrize("store_kind", ["sqlite"], indirect=True)


def test_funnel_insight_adds_its_drop_offs_to_reach(ws) -> None:
    ws.save_insight("activation", funnel_query(["signup", "project_created"], window="7d",
                                                start="2026-06-01", end="2026-07-26"))
    with ws.store.session() as session:
        problem = store.create(session, "problem", "Few projects", "ada", {},
                               [Link("evidence", "1"), Link("insight", "activation")])
        reach = problems.reach(session, ws.engine, problem)
    files = ", ".join(f"'{f}'" for f in ws.lake.files())
    entered, finished = duckdb.sql(f"""
        WITH ev AS (SELECT * FROM read_parquet([{files}])),
        s AS (SELECT distinct_id, min(timestamp) AS t FROM ev WHERE event = 'signup'
              AND timestamp >= '2026-06-01'::TIMESTAMPTZ
              AND timestamp < '2026-07-27'::TIMESTAMPTZ GROUP BY 1)
        SELECT count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM ev p
            WHERE p.distinct_id = s.distinct_id AND p.event = 'project_created'
            AND p.timestamp >= s.t AND p.timestamp <= s.t + INTERVAL 7 DAY)) FROM s
        """).fetchall()[0]
    assert reach.data_users == pytest.approx(entered - finished, abs=entered * 0.01)
    assert reach.total >= reach.data_users and "users in insight:activation" in reach.sources[1]


def test_two_step_funnel_is_a_success_metric_and_others_are_refused(ws) -> None:
    ws.save_insight("onboarding", funnel_query(["signup", "onboarding_completed"], window="2d"))
    ws.save_insight("long", funnel_query(["signup", "onboarding_completed", "invite_sent"]))
    with ws.store.session() as session:
        problem = store.create(session, "problem", "Stalls", "ada", {})
        made = proposals.create(session, ws.engine, "Guide", "ada",
                                {"problem": problem.id, "metric": "insight:onboarding"},
                                as_of=LAUNCH.date().isoformat())
        assert made.fields["metric"] == "conversion:signup>onboarding_completed@2d"
        assert Link("insight", "onboarding") in store.links_of(made)
        with pytest.raises(UserError, match="cannot be a success metric"):
            proposals.create(session, ws.engine, "x", "ada",
                             {"problem": problem.id, "metric": "insight:long"})
        with pytest.raises(UserError, match="unknown insight 'nope'"):
            store.create(session, "problem", "x", "ada", {}, [Link("insight", "nope")])
