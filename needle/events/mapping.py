"""Which column of a file holds which part of an event: named by flags, or recognised by name."""

from __future__ import annotations

from dataclasses import dataclass

from needle.errors import InputError, UserError
from needle.io.columns import find_column, require

# Recognised names, first match wins (case-insensitive): PostHog's own, then common ones.
USER_NAMES = ("distinct_id", "user_id", "userid", "person_id", "customer_id", "user",
              "client_id", "visitor_id", "anonymous_id")
EVENT_NAMES = ("event", "event_name", "event_type", "action")
TIME_NAMES = ("timestamp", "time", "created_at", "event_time", "datetime", "date", "ts")
UUID_NAMES = ("uuid", "event_uuid", "event_id", "$insert_id", "id")
PROPERTIES = "properties"
PROPERTY_PREFIX = "properties."


@dataclass(frozen=True)
class EventMapping:
    """Column names given by the user; ``None`` means recognise the column by its name."""

    user_col: str | None = None
    event_col: str | None = None
    time_col: str | None = None
    uuid_col: str | None = None
    props_cols: tuple[str, ...] | None = None
    event: str | None = None


@dataclass(frozen=True)
class Columns:
    """The columns of one file resolved against an :class:`EventMapping`."""

    user: str
    time: str
    event: str | None
    uuid: str | None
    properties_json: str | None
    properties: dict[str, str]  # property key -> column


def resolve(names: list[str], mapping: EventMapping, file: str, where: str,
            unsplit: tuple[str, ...] = ()) -> Columns:
    """Resolve ``mapping`` against the column ``names`` of ``file``; ``unsplit`` are the
    delimiters tried in vain on its header (see :func:`needle.io.columns.require`)."""
    if mapping.event is not None and not mapping.event.strip():
        raise UserError("the event name given for every row is blank", field="event_col")

    def find(given: str | None, recognised: tuple[str, ...]) -> str | None:
        return find_column(names, given, recognised, file, where)

    user = require(find(mapping.user_col, USER_NAMES), "user", "user_col", USER_NAMES,
                   file, where, unsplit)
    time = require(find(mapping.time_col, TIME_NAMES), "time", "time_col", TIME_NAMES,
                   file, where, unsplit)
    event = None
    if mapping.event is None:
        event = require(find(mapping.event_col, EVENT_NAMES), "event name",
                        "event_col", EVENT_NAMES, file, where, unsplit)
    uuid = find(mapping.uuid_col, UUID_NAMES)
    taken = {user, time, event, uuid}
    if mapping.props_cols is not None:
        for name in mapping.props_cols:
            find(name, ())
        rest = list(mapping.props_cols)
    else:
        rest = [name for name in names if name not in taken]
    properties_json = next((n for n in rest if n.lower() == PROPERTIES), None)
    props: dict[str, str] = {}
    for name in rest:
        if name != properties_json:
            other = props.setdefault(_key(name), name)
            if other != name:
                raise InputError(file, where, f"columns {other!r} and {name!r} are both property "
                                 f"{_key(name)!r}; keep one", field="props_cols")
    return Columns(user, time, event, uuid, properties_json, props)


def _key(column: str) -> str:
    """PostHog's CSV export flattens properties into ``properties.<key>`` columns."""
    return column[len(PROPERTY_PREFIX):] if column.startswith(PROPERTY_PREFIX) else column
