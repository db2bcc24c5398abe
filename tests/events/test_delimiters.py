"""Without --delimiter the delimiter is guessed (, ; tab |); when none fits, the error says so."""

import json

import pytest

# (file name, content, (user, properties) of each event)
CASES = [
    ("semicolons.csv", "user_id;event;timestamp;price\nu1;a;2024-01-02;1,5\nu2;b;2024-01-03;2\n",
     [("u1", {"price": "1,5"}), ("u2", {"price": "2"})]),
    ("tabs.csv", "user_id\tevent\ttimestamp\tplan\nu1\ta\t2024-01-02\tpro, yearly\n",
     [("u1", {"plan": "pro, yearly"})]),
    ("pipes.txt", "user_id|event|timestamp\nu1|a|2024-01-02\n", [("u1", {})]),
    ("commas.csv", 'user_id,event,timestamp,note\nu1,a,2024-01-02,"x; y | z"\n',
     [("u1", {"note": "x; y | z"})]),
    ("header_says_commas.csv", "user_id,event,timestamp\nu1,a,2024-01-02\n", [("u1", {})]),
    ("semicolons_header_only.csv", "user_id;event;timestamp", []),
]


@pytest.mark.parametrize(("name", "content", "events"), CASES, ids=[c[0] for c in CASES])
def test_the_delimiter_is_guessed(cli, write, lake_rows, name, content, events):
    cli("events", "import", str(write(name, content)))
    assert [(r["distinct_id"], json.loads(r["properties"])) for r in lake_rows()] == events


def test_an_unknown_delimiter_is_named_with_what_was_tried(cli, write, workspace):
    path = write("colons.csv", "user_id:event:timestamp\nu1:a:2024-01-02\n")
    result = cli("events", "import", str(path), ok=False)
    (line,) = [line for line in result.output.splitlines() if line.strip()]
    assert line == (f"error: {path}: line 1 (header): no user column (looked for distinct_id, "
                    "user_id, userid, person_id, customer_id, user, client_id, visitor_id, "
                    "anonymous_id): the header is one column with each delimiter tried (',', "
                    "';', tab, '|'); name the delimiter (see --delimiter)")
    assert workspace.lake.row_count() == 0
    cli("events", "import", str(path), "--delimiter", ":")
    assert workspace.lake.row_count() == 1


def test_a_named_delimiter_is_not_second_guessed(cli, write, workspace):
    path = write("e.csv", "user_id;event;timestamp\nu1;a;2024-01-02\n")
    result = cli("events", "import", str(path), "--delimiter", ",", ok=False)
    assert "no user column (looked for" in result.output and "; name it (see --user-col)" in (
        result.output)
