"""Ids a store cannot hold (beyond PostgreSQL's 32-bit INTEGER or SQLite's 64 bits) read as ids
that do not exist, on every backend, rather than as a driver's overflow."""

from __future__ import annotations

import pytest

from needle.artifacts.models import Artifact
from needle.errors import UserError
from needle.evidence.models import Evidence
from needle.store import find
from needle.themes.view import get_theme

HUGE = "99999999999999999999999"

CASES = [
    (("problem", "show"), "2147483648", "no problem with id 2147483648"),
    (("problem", "show"), "9223372036854775807", "no problem with id 9223372036854775807"),
    (("problem", "show"), "9223372036854775808", "no problem with id 9223372036854775808"),
    (("problem", "show"), "-9223372036854775809", "no problem with id -9223372036854775809"),
    (("evidence", "show"), "2147483648", "no evidence with id 2147483648"),
    (("evidence", "show"), HUGE, f"no evidence with id {HUGE}"),
    (("themes", "show"), HUGE, f"no theme {HUGE}"),
    (("themes", "split"), HUGE, f"no theme {HUGE}"),
    (("dashboard", "show"), HUGE, f"no dashboard with id {HUGE}"),
    (("alert", "remove"), HUGE, f"no alert rule {HUGE}"),
    (("problem", "new", "P", "-e"), HUGE, f"unknown evidence id {HUGE}"),
    (("problem", "new", "P", "--link", "theme:"), HUGE, f"unknown theme id {HUGE}"),
    (("bet", "new", "B", "--problem"), HUGE, f"no problem with id {HUGE}"),
]


@pytest.mark.parametrize("store_kind", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("command", "number", "message"), CASES)
def test_an_id_out_of_range_is_not_found(needle, command: tuple[str, ...], number: str,
                                         message: str) -> None:
    *head, last = command
    if last.endswith(":"):  # a link, KIND:ID
        args = [*head, last + number]
    elif last.startswith("-"):  # an option's value
        args = [*command, number]
    else:  # an argument, which may look like an option
        args = [*command, "--", number]
    result = needle(*args, ok=False)
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr


@pytest.mark.parametrize("number", [2**31, 2**63, -(2**63) - 1, 10**23])
def test_find_answers_none_where_the_backend_cannot_hold_the_id(ws, number: int) -> None:
    with ws.store.session() as session:
        assert find(session, Artifact, number) is None
        assert find(session, Evidence, number) is None
        assert find(session, Evidence, 1) is not None
    with pytest.raises(UserError, match=f"no theme {number}"):
        get_theme(ws.store, number)
