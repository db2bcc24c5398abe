"""``/evidence``: each piece's text, kind, customer and date; its twin equals ``needle evidence
list --json`` (or ``search QUERY --json``) for the same options; an upload imports a file, a
refusal is one line next to the field, and nothing is imported without the CSRF token."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from needle.web import create_app
from tests.web import filled

LISTS = [
    ("", []),
    ("kind=ticket&limit=5", ["--kind", "ticket", "--limit", "5"]),
    ("customer=u00001", ["--customer", "u00001"]),
    ("from=2026-06-10&to=2026-06-12", ["--from", "2026-06-10", "--to", "2026-06-12"]),
    ("limit=0", ["--limit", "0"]),
    ("kind=review", ["--kind", "review"]),
]
SEARCHES = [
    ("query=card+arrive", ["card arrive"]),
    ("query=card&kind=ticket&from=2026-06-05&limit=4",
     ["card", "--kind", "ticket", "--from", "2026-06-05", "--limit", "4"]),
    ("query=exchange+rate&to=2026-06-20", ["exchange rate", "--to", "2026-06-20"]),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return filled.build(tmp_path_factory.mktemp("evidence") / "ws")


@pytest.fixture(scope="module")
def reader(built: Path) -> TestClient:
    return TestClient(create_app(built))


@pytest.fixture
def root(built: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(built, tmp_path / "ws"))


@pytest.fixture
def client(root: Path) -> TestClient:
    return TestClient(create_app(root))


@pytest.mark.parametrize(("params", "args"), LISTS)
def test_the_list_twin_equals_the_cli(reader: TestClient, built: Path, params: str,
                                      args: list[str]) -> None:
    assert reader.get(f"/evidence.json?{params}").json() == filled.needle_json(
        built, "evidence", "list", *args)
    assert reader.get(f"/evidence?{params}").status_code == 200


@pytest.mark.parametrize(("params", "args"), SEARCHES)
def test_the_search_twin_equals_the_cli(reader: TestClient, built: Path, params: str,
                                        args: list[str]) -> None:
    found = reader.get(f"/evidence.json?{params}").json()
    assert found == filled.needle_json(built, "evidence", "search", *args) and found
    assert reader.get(f"/evidence?{params}").status_code == 200


def test_filters_keep_only_what_they_name(reader: TestClient) -> None:
    dated = reader.get("/evidence.json?from=2026-06-10&to=2026-06-12&limit=0").json()
    assert dated and {e["created_at"][:10] for e in dated} <= {"2026-06-10", "2026-06-11",
                                                                "2026-06-12"}
    customer = reader.get("/evidence.json?query=card").json()[-1]["customer"]
    hits = reader.get(f"/evidence.json?query=card&customer={customer}").json()
    assert hits and {e["customer"] for e in hits} == {customer}


def test_each_piece_shows_its_text_kind_customer_and_date(reader: TestClient) -> None:
    first = reader.get("/evidence.json").json()[0]
    page = reader.get("/evidence").text
    row = (f"<tr><td>{first['id']}</td><td>ticket</td><td>{first['customer']}</td>"
           f"<td class=\"nowrap\">{first['created_at'][:10]}</td><td class=\"text\">")
    assert row in page


def test_user_text_is_escaped(reader: TestClient) -> None:
    for path in ("/evidence?customer=u00001", "/evidence?query=card+never+came"):
        page = reader.get(path).text
        assert "<script>alert(" not in page
        assert "&lt;script&gt;alert(&#39;evidence&#39;)&lt;/script&gt; my card never came" in page
    echoed = reader.get("/evidence?query=<script>alert(2)</script>").text
    assert "<script>alert(2)" not in echoed and "&lt;script&gt;alert(2)" in echoed


def test_an_upload_is_imported(client: TestClient, root: Path) -> None:
    rows = "review,author\nThe <b>exchange</b> rate shown was wrong,u00002\nLove it,u00003\n"
    answer = client.post("/evidence/import", data={"kind": "review", "csrf": filled.csrf(client)},
                         files={"file": ("app store.csv", rows.encode(), "text/csv")},
                         follow_redirects=False)
    assert answer.status_code == 303
    page = client.get(answer.headers["location"]).text
    assert "Imported app_store.csv: 2 pieces read, 2 new, 0 already here." in page
    reviews = filled.needle_json(root, "evidence", "list", "--kind", "review")
    assert [(r["text"], r["customer"]) for r in reviews] == [
        ("The <b>exchange</b> rate shown was wrong", "u00002"), ("Love it", "u00003")]
    assert "The &lt;b&gt;exchange&lt;/b&gt; rate" in client.get("/evidence?kind=review").text


def test_each_piece_keeps_the_file_it_came_from(client: TestClient, root: Path) -> None:
    texts = ("The export drops the last row", "Search misses archived tasks")
    for text in texts:
        answer = client.post("/evidence/import",
                             data={"kind": "ticket", "csrf": filled.csrf(client)},
                             files={"file": ("tickets.csv", f"text\n{text}\n".encode(),
                                             "text/csv")}, follow_redirects=False)
        assert answer.status_code == 303
    tickets = filled.needle_json(root, "evidence", "list", "--kind", "ticket", "--limit", "0")
    mine = [t for t in tickets if t["text"] in texts]
    assert len(mine) == 2 and mine[0]["source"] != mine[1]["source"]
    for piece in mine:
        assert Path(piece["source"]).read_text(encoding="utf-8") == f"text\n{piece['text']}\n"


@pytest.mark.parametrize(("upload", "form", "field", "message"), [
    (None, {}, "file", "choose a file to import"),
    (("notes.csv", b"title,customer\nhello,u1\n"), {}, "text_col",
     "notes.csv: line 1 (header): no text column (looked for text, body"),
    (("notes.csv", b"title,customer\nhello,u1\n"), {"text_col": "body"}, "text_col|file",
     "notes.csv: line 1 (header): no column &#39;body&#39;"),
    (("times.csv", b"text,created_at\nhello,yesterday\n"), {}, "file",
     "times.csv: line 2: column &#39;created_at&#39;: cannot read"),
])
def test_a_refused_import_is_one_line_next_to_the_field(client: TestClient, root: Path, upload,
                                                        form: dict[str, str], field: str,
                                                        message: str) -> None:
    before = filled.needle_json(root, "evidence", "list", "--limit", "0")
    files = {"file": (upload[0], upload[1], "text/csv")} if upload else None
    answer = client.post("/evidence/import", data={**form, "csrf": filled.csrf(client)},
                         files=files)
    assert answer.status_code == 400
    [line] = [line for line in answer.text.splitlines() if "field-error" in line]
    assert any(f'id="err-{name}"' in line for name in field.split("|"))
    assert message in line and str(root) not in line
    assert filled.needle_json(root, "evidence", "list", "--limit", "0") == before


def test_an_import_without_the_csrf_token_is_refused(client: TestClient, root: Path) -> None:
    filled.csrf(client)
    answer = client.post("/evidence/import", data={"kind": "review"},
                         files={"file": ("x.csv", b"text\nsneaky\n", "text/csv")})
    assert answer.status_code == 403
    assert filled.needle_json(root, "evidence", "list", "--kind", "review") == []


def test_a_bad_filter_answers_one_error_body(reader: TestClient) -> None:
    answer = reader.get("/evidence.json?from=June")
    assert answer.status_code == 400
    assert answer.json() == {"error": "start 'June': write a date as YYYY-MM-DD", "field": "start"}
