"""Exports as tools write them: a GitHub-issues CSV and an Excel sheet of reviews import every
row that has text, and count the rows that have none."""

import csv
import io
import json
import random
from datetime import datetime, timedelta

from openpyxl import Workbook
from sqlalchemy import select

from needle.evidence.models import Evidence

TEMPLATE = """<!--
  Thanks for reporting! Please fill in the sections below.
  Issues without a reproduction may be closed.
-->

### Describe the bug
{bug}

### To reproduce
```python
import needle, csv
rows = list(csv.reader(open("a.csv")))  # "quoted", 'single', a,b;c|d
print(rows[0], end="\\r\\n")
```

| version | os |
|---|---|
| {version} | linux |

<!-- Don't delete this line -->
"""


def _body(i: int, rng: random.Random) -> str:
    shape = i % 6
    if shape == 0:
        return ""  # an issue with only a title
    if shape == 1:
        return "  \n\t "
    if shape == 2:  # a pasted log longer than Python's csv field limit (131,072)
        return f"Crash {i}, full log:\n```\n" + "".join(
            f"{i}:{n} ERROR at module.py:{rng.randint(1, 999)}, \"state\"='x;y'\n"
            for n in range(3_000)) + "```"
    if shape == 3:
        return f"<!-- the template was deleted -->\r\nExport to CSV drops the header, issue {i}"
    return TEMPLATE.format(bug=f"Bug number {i}: the funnel is empty 🤔, see #{i - 1}.",
                           version=f"0.{i}.0")


def _github_export(rows: int) -> tuple[str, list[str]]:
    rng = random.Random(12)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["number", "title", "body", "author", "created_at", "labels", "url"])
    bodies = []
    start = datetime(2024, 1, 1, 9)
    for i in range(1, rows + 1):
        body = _body(i, rng)
        bodies.append(body)
        writer.writerow([i, f'Issue {i}: "export" fails, again', body, f"user{i % 7}",
                         (start + timedelta(hours=5 * i)).isoformat() + "Z",
                         "bug,needs triage" if i % 2 else "", f"https://github.com/o/r/issues/{i}"])
    return out.getvalue(), bodies


def _stored(workspace) -> list[Evidence]:  # type: ignore[no-untyped-def]
    with workspace.store.session() as session:
        return list(session.scalars(select(Evidence).order_by(Evidence.id)))


def test_a_github_issues_export_imports_every_issue_as_title_and_body(cli, write, workspace):
    text, bodies = _github_export(60)
    assert max(map(len, bodies)) > 131_072
    path = write("issues.csv", text)
    result = json.loads(cli("evidence", "import", str(path), "--id-col", "number",
                            "--json").stdout)
    # the title column is found and put before the body; an issue with no body is its title
    titles = [f'Issue {i}: "export" fails, again' for i in range(1, 61)]
    texts = [t + "\n\n" + b.strip(" \t\r\n") if b.strip() else t
             for t, b in zip(titles, bodies, strict=True)]
    assert (result["read"], result["added"], result["empty"]) == (60, 60, 0)
    stored = _stored(workspace)
    assert [e.text for e in stored] == texts
    first = stored[0]
    assert (first.customer, first.source_id, "title" in first.meta) == ("user1", "1", False)
    again = cli("evidence", "import", str(path), "--id-col", "number", "--json").stdout
    assert json.loads(again)["added"] == 0


def test_a_github_issues_export_with_the_body_alone(cli, write, workspace):
    text, bodies = _github_export(12)
    path = write("issues.csv", text)
    result = json.loads(cli("evidence", "import", str(path), "--text-col", "body",
                            "--json").stdout)
    with_text = [b for b in bodies if b.strip()]
    assert (result["added"], result["empty"]) == (len(with_text), len(bodies) - len(with_text))
    assert [e.text for e in _stored(workspace)] == with_text


def _reviews_xlsx() -> tuple[bytes, list[str]]:
    book = Workbook()
    sheet = book.active
    sheet.title = "Reviews"
    sheet.append(["review", "rating", "author", "date"])
    texts = []
    for i in range(1, 41):
        text = None if i % 8 == 0 else f"Review {i}: {'love it' if i % 3 else 'slow, crashes'}"
        texts.append(text)
        sheet.append([text, i % 5 + 1, f"reviewer{i}", datetime(2024, 2, 1) + timedelta(days=i)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), [t for t in texts if t]


def test_an_excel_sheet_of_reviews_imports_every_review(cli, write, workspace):
    content, texts = _reviews_xlsx()
    result = json.loads(cli("evidence", "import", str(write("reviews.xlsx", content)),
                            "--kind", "review", "--json").stdout)
    assert (result["added"], result["empty"], result["rejected"]) == (len(texts), 5, 0)
    stored = _stored(workspace)
    assert [e.text for e in stored] == texts
    assert {e.kind for e in stored} == {"review"}
    assert (stored[0].customer, stored[0].meta, stored[0].source_id) == (
        "reviewer1", {"rating": 2}, "sheet 'Reviews', row 2")
    assert stored[0].created_at.date().isoformat() == "2024-02-02"
