"""The metrics artifacts cite: small definitions evaluated by plain DuckDB SQL over the event lake.

A metric is written as text so it can sit in a proposal, a goal or a link:

    conversion:signup>project_created@7d   share of users whose first `signup` in the window is
                                           followed by `project_created` within 7 days
    median_days:signup>project_created     median days from that first `signup` to the first
                                           `project_created` after it (converters only)
    per_user:invite_sent                   `invite_sent` events per user active in the window

Every measurement keeps the SQL that produced it (with ``{events}`` standing for the lake's
files), so any number shown anywhere can be re-run. These definitions stay in this one module so
they can later be answered by saved insights of the analytics engine.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from needle.errors import UserError

_SPEC = re.compile(
    r"^(?P<kind>conversion|median_days|per_user):(?P<event>[^>@]+)"
    r"(?:>(?P<then>[^@]+))?(?:@(?P<days>\d+)d)?$"
)
UNITS = {"conversion": "rate", "median_days": "days", "per_user": "count"}


@dataclass(frozen=True)
class Metric:
    kind: str
    event: str
    then: str | None = None
    within_days: int | None = None

    @property
    def spec(self) -> str:
        text = f"{self.kind}:{self.event}"
        text += f">{self.then}" if self.then else ""
        return text + (f"@{self.within_days}d" if self.within_days else "")

    @property
    def unit(self) -> str:
        return UNITS[self.kind]

    @property
    def label(self) -> str:
        within = f" within {self.within_days} days" if self.within_days else ""
        if self.kind == "conversion":
            return f"{self.event} → {self.then} conversion{within}"
        if self.kind == "median_days":
            return f"median days from {self.event} to {self.then}{within}"
        return f"{self.event} per active user"

    def format(self, value: float | None) -> str:
        """A value as people read it: rates in percent, days and counts with two decimals."""
        if value is None:
            return "n/a"
        if self.unit == "rate":
            return f"{value * 100:.1f}%"
        return f"{value:.2f}" + (" days" if self.unit == "days" else "")


@dataclass(frozen=True)
class Window:
    """Days ``start`` up to, not including, ``end`` (UTC)."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def __str__(self) -> str:
        return f"{self.start.isoformat()} to {(self.end - timedelta(days=1)).isoformat()}"


@dataclass(frozen=True)
class Measurement:
    metric: str
    window: Window
    value: float | None
    n: int
    sql: str

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["window"] = {"start": self.window.start.isoformat(),
                          "end": self.window.end.isoformat(),
                          "last": (self.window.end - timedelta(days=1)).isoformat()}
        return data


def parse_metric(text: str) -> Metric:
    """Read a metric spec; the error shows the accepted forms."""
    match = _SPEC.match(text.strip())
    if not match or (match["kind"] != "per_user") != bool(match["then"]):
        raise UserError(
            f"metric {text!r} is not understood; write conversion:A>B@7d, "
            "median_days:A>B or per_user:EVENT"
        )
    days = int(match["days"]) if match["days"] else None
    return Metric(match["kind"], match["event"].strip(), (match["then"] or "").strip() or None,
                  days)


def parse_query(text: str) -> tuple[Metric, Window | None]:
    """A query link: JSON ``{"metric": SPEC, "since": DATE, "until": DATE}`` or a bare spec."""
    if not text.lstrip().startswith("{"):
        return parse_metric(text), None
    try:
        data = json.loads(text)
        metric = parse_metric(data["metric"])
    except (json.JSONDecodeError, KeyError, TypeError):
        raise UserError(f"query {text!r}: write JSON with a 'metric' key") from None
    if "since" in data and "until" in data:
        return metric, Window(date.fromisoformat(data["since"]), date.fromisoformat(data["until"]))
    return metric, None


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ts(day: date) -> str:
    return f"TIMESTAMPTZ '{day.isoformat()} 00:00:00+00:00'"


def _cohort_sql(metric: Metric, window: Window) -> str:
    """Users whose first ``event`` falls in the window, with their first ``then`` after it."""
    bound = (f" AND b.timestamp < c.t0 + INTERVAL {metric.within_days} DAY"
             if metric.within_days else "")
    return (
        "WITH ev AS (SELECT distinct_id, event, timestamp FROM {events}), "
        f"c AS (SELECT distinct_id, min(timestamp) AS t0 FROM ev WHERE event = "
        f"{_quote(metric.event)} GROUP BY distinct_id "
        f"HAVING min(timestamp) >= {_ts(window.start)} AND min(timestamp) < {_ts(window.end)}), "
        "f AS (SELECT c.distinct_id, c.t0, min(b.timestamp) AS t1 FROM c LEFT JOIN ev b "
        f"ON b.distinct_id = c.distinct_id AND b.event = {_quote(metric.then or '')} "
        f"AND b.timestamp >= c.t0{bound} GROUP BY c.distinct_id, c.t0) "
    )


def user_sql(metric: Metric, window: Window) -> str:
    """One row per user in the metric's population: ``distinct_id`` and its value ``x``."""
    if metric.kind == "conversion":
        return (_cohort_sql(metric, window)
                + "SELECT distinct_id, CASE WHEN t1 IS NULL THEN 0 ELSE 1 END AS x FROM f")
    if metric.kind == "median_days":
        return (_cohort_sql(metric, window) + "SELECT distinct_id, "
                "date_diff('second', t0, t1) / 86400.0 AS x FROM f WHERE t1 IS NOT NULL")
    return (
        "SELECT distinct_id, count(*) FILTER (WHERE event = "
        f"{_quote(metric.event)}) AS x FROM {{events}} WHERE timestamp >= {_ts(window.start)} "
        f"AND timestamp < {_ts(window.end)} GROUP BY distinct_id"
    )


def value_sql(metric: Metric, window: Window) -> str:
    """The metric's value and population size as one row (``value``, ``n``)."""
    agg = "median(x)" if metric.kind == "median_days" else "avg(x)"
    return f"SELECT {agg} AS value, count(*) AS n FROM ({user_sql(metric, window)}) AS u"


def run_sql(files: list[Path], sql: str) -> list[dict[str, Any]]:
    """Run SQL written against ``{events}`` on the lake's files; rows as dicts."""
    if not files and "{events}" in sql:
        raise UserError("the event lake is empty; import events first (`needle events --help`)")
    source = "read_parquet([" + ", ".join(_quote(str(f)) for f in files) + "])"
    con = duckdb.connect()
    try:
        relation = con.sql(sql.replace("{events}", source))
        names = relation.columns
        return [dict(zip(names, row, strict=True)) for row in relation.fetchall()]
    finally:
        con.close()


def measure(files: list[Path], metric: Metric, window: Window) -> Measurement:
    sql = value_sql(metric, window)
    row = run_sql(files, sql)[0]
    value = None if row["value"] is None else float(row["value"])
    return Measurement(metric.spec, window, value, int(row["n"]), sql)


def user_values(files: list[Path], metric: Metric, window: Window) -> np.ndarray:
    rows = run_sql(files, user_sql(metric, window))
    return np.array([float(r["x"]) for r in rows], dtype=float)


def affected_sql(metric: Metric, window: Window) -> str:
    """One row, ``users``: who a problem measured by ``metric`` touches: those who did not
    convert, for a conversion; everyone in the population otherwise."""
    where = " WHERE x = 0" if metric.kind == "conversion" else ""
    return (f"SELECT coalesce(list(DISTINCT distinct_id), []::VARCHAR[]) AS users "
            f"FROM ({user_sql(metric, window)}) AS u{where}")


def data_span(files: list[Path]) -> Window:
    """The days the lake covers: first event day to the day after the last."""
    row = run_sql(files, "SELECT epoch(min(timestamp)) AS lo, epoch(max(timestamp)) AS hi "
                         "FROM {events}")[0]
    if row["lo"] is None:
        raise UserError("the event lake is empty; import events first (`needle events --help`)")
    first = datetime.fromtimestamp(row["lo"], UTC).date()
    last = datetime.fromtimestamp(row["hi"], UTC).date()
    return Window(first, last + timedelta(days=1))


def complete_span(files: list[Path], metric: Metric) -> Window:
    """All days whose cohorts have had their full conversion window."""
    span = data_span(files)
    return Window(span.start, span.end - timedelta(days=metric.within_days or 0))


def trailing_window(files: list[Path], metric: Metric, days: int = 28,
                    as_of: date | None = None) -> Window:
    """The latest ``days`` (before ``as_of``, if given) whose cohorts have had their full
    conversion window."""
    span = data_span(files)
    end = min(span.end, as_of or span.end) - timedelta(days=metric.within_days or 0)
    if end <= span.start:
        raise UserError(f"the events span {span}: too short to measure {metric.spec}")
    return Window(max(span.start, end - timedelta(days=days)), end)
