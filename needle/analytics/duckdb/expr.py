"""SQL fragments for DuckDB: literals, property access, filters, step matchers, time ranges."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from needle.analytics.index.derived import number_sql
from needle.analytics.periods import day_start
from needle.analytics.specs import PropertyFilter, Step

_COMPARE = {">", ">=", "<", "<="}


def lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def json_path(*keys: str) -> str:
    return lit("$" + "".join('."' + k.replace('"', '\\"') + '"' for k in keys))


def prop(key: str) -> str:
    """An event property as text (NULL when absent)."""
    return f"json_extract_string(properties, {json_path(key)})"


def condition(value: str, f: PropertyFilter) -> str:
    """``f`` on the text ``value`` (an SQL expression); the index evaluates it on its
    dictionaries of property values, so both paths share one meaning of every operator."""
    if f.op == "=":
        return f"{value} = {lit(f.value)}"
    if f.op == "!=":
        return f"{value} IS DISTINCT FROM {lit(f.value)}"
    if f.op in _COMPARE:
        return f"{number_sql(value)} {f.op} {float(f.value)!r}"
    if f.op == "~":
        return f"contains(lower({value}), {lit(f.value.lower())})"
    return f"{value} IS {'NOT ' if f.op == 'set' else ''}NULL"


def _person_condition(f: PropertyFilter) -> str:
    """A person's value is the one their latest ``$set`` of the key gave, else their first
    ``$set_once`` (which never overrides a value: a later ``$set`` does, an earlier one wins)."""
    value = f"json_extract_string(properties, {json_path('$set', f.key)})"
    once = f"json_extract_string(properties, {json_path('$set_once', f.key)})"
    latest = (f"coalesce(arg_max({value}, timestamp) FILTER (WHERE {value} IS NOT NULL), "
              f"arg_min({once}, timestamp) FILTER (WHERE {once} IS NOT NULL))")
    holders = "distinct_id IN (SELECT distinct_id FROM events GROUP BY distinct_id HAVING {})"
    if f.op == "!=":
        return "NOT " + holders.format(f"{latest} = {lit(f.value)}")
    if f.op == "not_set":
        return "NOT " + holders.format(f"{latest} IS NOT NULL")
    return holders.format(condition(latest, f))


def filter_sql(f: PropertyFilter) -> str:
    return _person_condition(f) if f.person else condition(prop(f.key), f)


def all_of(conditions: list[str]) -> str:
    return " AND ".join(f"({c})" for c in conditions) if conditions else "TRUE"


def step_sql(step: Step) -> str:
    parts = [] if step.event is None else [f"event = {lit(step.event)}"]
    return all_of(parts + [filter_sql(f) for f in step.filters])


def ts_lit(moment: datetime) -> str:
    return f"TIMESTAMPTZ '{moment.strftime('%Y-%m-%d %H:%M:%S.%f')}+00'"


def in_days(first: date, last: date, extra_seconds: int = 0) -> str:
    """``timestamp`` within the UTC days first..last, plus ``extra_seconds`` after the end."""
    end = day_start(last) + timedelta(days=1, seconds=extra_seconds)
    return f"timestamp >= {ts_lit(day_start(first))} AND timestamp < {ts_lit(end)}"
