"""Evidence from real and small files: counts, fields, metadata, dedupe, search."""

import json

import pandas as pd

from needle.evidence.importer import import_evidence
from needle.evidence.search import search_evidence

BANKING = "data/banking77/banking_data/train.csv"


def test_banking77_keeps_every_row_once_and_search_finds_intent(cli, shared, stored):
    frame = pd.read_csv(shared / BANKING)
    distinct = frame.text.str.split().str.join(" ").str.lower().nunique()
    assert (len(frame), distinct) == (10_003, 9_999)
    first = json.loads(cli("evidence", "import", str(shared / BANKING), "--kind", "ticket",
                           "--json").output)
    # equal texts in different rows are different people: each row is kept
    assert stored() == len(frame) and first["same_text"] == len(frame) - distinct
    again = json.loads(cli("evidence", "import", str(shared / BANKING), "--json").output)
    assert (again["added"], again["duplicates"]) == (0, 10_003)
    def search(words: str) -> list[dict]:
        return json.loads(cli("evidence", "search", words, "--limit", "10", "--json").output)

    failed = [hit["meta"]["category"] for hit in search("top up failed")]
    assert len(failed) == 10 and failed.count("top_up_failed") >= 9, failed
    assert all("exchange rate" in hit["text"].lower() for hit in search("exchange rate"))
    # Evidence holding every word comes before evidence holding some of them.
    first = [hit["meta"]["category"] for hit in search("my card hasn't arrived yet")[:4]]
    assert first == ["card_arrival"] * 4

def test_csv_mapping_flags_times_ids_and_metadata(cli, write):
    path = write("tickets.csv", "ticket,who,opened,body,priority\n"
                                "T-1,acme,2024-03-01T09:30:00+01:00,Export is slow,high\n"
                                "T-2,,1709290800,Cannot log in,\n")
    cli("evidence", "import", str(path), "--text-col", "body", "--customer-col", "who",
        "--time-col", "opened", "--id-col", "ticket")
    listed = json.loads(cli("evidence", "list", "--json").output)
    assert [(e["source_id"], e["customer"], e["text"], e["created_at"], e["meta"], e["kind"])
            for e in listed] == [
        ("T-1", "acme", "Export is slow", "2024-03-01T08:30:00+00:00", {"priority": "high"},
         "ticket"),
        ("T-2", None, "Cannot log in", "2024-03-01T11:00:00+00:00", {}, "ticket"),
    ]
    shown = json.loads(cli("evidence", "show", str(listed[0]["id"]), "--json").output)
    assert shown == listed[0]


def test_jsonl_survey_answers(cli, write):
    path = write("survey.jsonl", '{"answer": "Love the board view", "email": "a@x.io", "nps": 9}\n'
                                 '{"answer": "Too many clicks", "email": "b@x.io", "nps": 4}\n')
    cli("evidence", "import", str(path), "--kind", "survey")
    listed = json.loads(cli("evidence", "list", "--kind", "survey", "--json").output)
    assert [(e["customer"], e["meta"]["nps"], e["source_id"]) for e in listed] == [
        ("a@x.io", 9, "line 1"), ("b@x.io", 4, "line 2")]


def test_markdown_folder_of_interview_notes(cli, write, tmp_path):
    write("notes/2024-03-01-acme.md", "---\ncustomer: acme\ndate: 2024-03-01\nrole: PM\n"
                                      "tags: [onboarding]\n---\n# Call\n\nInvites are confusing.\n")
    write("notes/sub/beta.md", "No front matter, just a quote about pricing.\n")
    write("notes/sub/gamma.md", "---\nkind: quote\nid: Q7\n---\nPricing page is unclear.\n")
    write("notes/readme.txt", "not a note")
    cli("evidence", "import", str(tmp_path / "notes"))
    listed = {e["source_id"]: e for e in json.loads(cli("evidence", "list", "--json").output)}
    assert set(listed) == {"2024-03-01-acme.md", "sub/beta.md", "Q7"}
    acme = listed["2024-03-01-acme.md"]
    assert (acme["kind"], acme["customer"], acme["created_at"], acme["text"]) == (
        "interview", "acme", "2024-03-01T00:00:00+00:00", "# Call\n\nInvites are confusing.")
    assert acme["meta"] == {"role": "PM", "tags": ["onboarding"]}
    assert (listed["Q7"]["kind"], listed["sub/beta.md"]["kind"]) == ("quote", "interview")


def test_search_works_on_postgresql(postgres_workspace, shared):
    import_evidence(postgres_workspace.store, [shared / BANKING])
    with postgres_workspace.store.session() as session:
        failed = search_evidence(session, "top up failed", limit=10)
        first = search_evidence(session, "my card hasn't arrived yet", limit=10)[:4]
    categories = [hit.evidence.meta["category"] for hit in failed]
    assert len(failed) == 10 and categories.count("top_up_failed") >= 9, categories
    assert [hit.evidence.meta["category"] for hit in first] == ["card_arrival"] * 4
