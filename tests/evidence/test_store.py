from sqlalchemy import func, select, text

from needle.evidence.models import Evidence
from needle.evidence.store import EvidenceRecord, add_evidence


def test_add_dedupes_by_content_and_feeds_full_text_search(workspace) -> None:
    records = [
        EvidenceRecord("ticket", "Export to CSV fails", "t.csv", customer="c1"),
        EvidenceRecord("ticket", "export  to csv FAILS", "t.csv", customer="c1"),
        EvidenceRecord("ticket", "Login is slow", "t.csv", customer="c2"),
    ]
    with workspace.store.session() as session:
        result = add_evidence(session, records)
    assert (result.added, result.duplicates) == (2, 1)
    with workspace.store.session() as session:
        assert add_evidence(session, records).added == 0
        assert session.scalar(select(func.count()).select_from(Evidence)) == 2
        hits = session.execute(
            text("SELECT rowid FROM evidence_fts WHERE evidence_fts MATCH 'exporting'")
        ).fetchall()
    assert len(hits) == 1
