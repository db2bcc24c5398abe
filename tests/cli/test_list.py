"""``KIND list``: the table and the JSON show the same artifacts, and a status the kind does not
have is refused in one line."""

from __future__ import annotations

import json


def test_the_table_shows_what_the_json_lists(cli) -> None:  # type: ignore[no-untyped-def]
    for title in ("Onboarding stalls", "Exports time out"):
        cli("problem", "new", title, "--statement", "People give up.")
    listed = json.loads(cli("problem", "list", "--json").stdout)
    table = cli("problem", "list").stdout
    assert [p["title"] for p in listed] == ["Onboarding stalls", "Exports time out"]
    for problem in listed:
        row = [line for line in table.splitlines() if problem["title"] in line]
        assert len(row) == 1 and problem["updated_at"][:10] in row[0] and "draft" in row[0]


def test_a_status_the_kind_does_not_have_is_refused(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("problem", "list", "--status", "solve", "--json", ok=False)
    assert result.stderr == ("error: problem status 'solve': use one of draft, open, solved, "
                             "dropped (see --status)\n")
    assert result.stdout == ""
