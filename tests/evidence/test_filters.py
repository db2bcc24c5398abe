"""Listing and searching evidence by kind, customer and dates, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from typer.testing import CliRunner

from needle.cli.main import app
from needle.errors import UserError
from needle.evidence.queries import EvidenceFilter
from needle.evidence.store import EvidenceRecord, add_evidence
from needle.workspace import Workspace

RECORDS = [
    EvidenceRecord("ticket", "Export to CSV fails", "t.csv", "ada",
                   datetime(2026, 6, 1, 23, 59, tzinfo=UTC)),
    EvidenceRecord("ticket", "The CSV export drops dates", "t.csv", "bo",
                   datetime(2026, 6, 2, 0, 0, tzinfo=UTC)),
    EvidenceRecord("review", "Export is great", "r.csv", "ada",
                   datetime(2026, 6, 3, 12, 0, tzinfo=UTC)),
    EvidenceRecord("note", "Export came up again", "n.md", "cy"),
]


@pytest.fixture(params=["sqlite", "postgresql"])
def filled(request: pytest.FixtureRequest, workspace: Workspace) -> Workspace:
    ws = workspace if request.param == "sqlite" else request.getfixturevalue("postgres_workspace")
    with ws.store.session() as session:
        add_evidence(session, RECORDS)
    return ws


@pytest.mark.parametrize(("where", "texts"), [
    (EvidenceFilter(), ["Export to CSV fails", "The CSV export drops dates", "Export is great",
                        "Export came up again"]),
    (EvidenceFilter(kind="ticket"), ["Export to CSV fails", "The CSV export drops dates"]),
    (EvidenceFilter(customer="ada"), ["Export to CSV fails", "Export is great"]),
    (EvidenceFilter(start=date(2026, 6, 2)), ["The CSV export drops dates", "Export is great"]),
    (EvidenceFilter(end=date(2026, 6, 1)), ["Export to CSV fails"]),
    (EvidenceFilter("ticket", "bo", date(2026, 6, 2), date(2026, 6, 2)),
     ["The CSV export drops dates"]),
])
def test_the_list_keeps_what_the_filter_names(filled: Workspace, where: EvidenceFilter,
                                              texts: list[str]) -> None:
    assert [e["text"] for e in filled.evidence(where, limit=None)] == texts


@pytest.mark.parametrize("limit", [2**63 - 1, 2**63, 10**20])
def test_a_limit_beyond_any_store_lists_all(filled: Workspace, limit: int) -> None:
    assert len(filled.evidence(limit=limit)) == len(RECORDS)


def test_the_cli_lists_all_for_a_limit_beyond_any_store(workspace: Workspace) -> None:
    with workspace.store.session() as session:
        add_evidence(session, RECORDS)
    result = CliRunner().invoke(app, ["-w", str(workspace.root), "evidence", "list", "--limit",
                                      "99999999999999999999", "--json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == len(RECORDS)


@pytest.mark.parametrize(("where", "texts"), [
    (EvidenceFilter(), {"Export to CSV fails", "The CSV export drops dates"}),
    (EvidenceFilter(customer="ada"), {"Export to CSV fails"}),
    (EvidenceFilter(end=date(2026, 6, 1)), {"Export to CSV fails"}),
    (EvidenceFilter(kind="review"), set()),
])
def test_search_keeps_what_the_filter_names(filled: Workspace, where: EvidenceFilter,
                                            texts: set[str]) -> None:
    found = filled.search_evidence("csv", where)
    assert {e["text"] for e in found} == texts and all("score" in e for e in found)


def test_an_unknown_kind_is_refused(workspace: Workspace) -> None:
    with pytest.raises(UserError, match="unknown evidence kind 'memo'") as raised:
        workspace.evidence(EvidenceFilter(kind="memo"))
    assert raised.value.field == "kind"


@pytest.mark.parametrize(("read", "message", "field"), [
    (lambda ws: ws.evidence(EvidenceFilter(start=date(2026, 6, 3), end=date(2026, 6, 1))),
     "the period starts on 2026-06-03 after it ends on 2026-06-01", "start"),
    (lambda ws: ws.search_evidence("csv", EvidenceFilter(start=date(2026, 6, 3),
                                                         end=date(2026, 6, 1))),
     "the period starts on 2026-06-03 after it ends on 2026-06-01", "start"),
    (lambda ws: ws.evidence(limit=-1), "limit -1: give 0 or more", "limit"),
    (lambda ws: ws.search_evidence("csv", limit=0), "limit 0: give 1 or more", "limit"),
    (lambda ws: ws.search_evidence("csv", limit=-5), "limit -5: give 1 or more", "limit"),
])
def test_a_period_or_limit_that_can_only_find_nothing_is_refused(workspace: Workspace, read,
                                                                  message: str,
                                                                  field: str) -> None:
    with workspace.store.session() as session:
        add_evidence(session, RECORDS)
    with pytest.raises(UserError, match=message) as raised:
        read(workspace)
    assert raised.value.field == field
