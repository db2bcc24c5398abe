"""``/themes`` and ``/themes/ID``: twins equal ``needle themes --json`` and ``needle themes show
ID --json``; each theme has its sparkline, quotes, keywords and its reporters' behaviour; forms
rename, merge and split, refuse next to the field, and change nothing without the CSRF token."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from needle.web import create_app
from tests.web import filled
from tests.web.filled import serve
from tests.web.test_browser import SCREENSHOTS


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return filled.build(tmp_path_factory.mktemp("themes") / "ws")


@pytest.fixture(scope="module")
def reader(built: Path) -> TestClient:
    return TestClient(create_app(built))


@pytest.fixture
def root(built: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(built, tmp_path / "ws"))


@pytest.fixture
def client(root: Path) -> TestClient:
    return TestClient(create_app(root))


def ids(client: TestClient) -> list[int]:
    return [t["id"] for t in client.get("/themes.json").json()["themes"]]


def test_twins_equal_the_cli(reader: TestClient, built: Path) -> None:
    listed = filled.needle_json(built, "themes")  # builds again: ids and names carry over
    assert reader.get("/themes.json").json() == listed and len(listed["themes"]) >= 3
    for theme in listed["themes"]:
        assert reader.get(f"/themes/{theme['id']}.json").json() == filled.needle_json(
            built, "themes", "show", str(theme["id"]))


def test_the_list_draws_a_sparkline_per_theme(reader: TestClient) -> None:
    themes = reader.get("/themes.json").json()["themes"]
    page = reader.get("/themes").text
    assert page.count("vegaEmbed(") == len(themes)
    for theme in themes:
        assert f'<a href="/themes/{theme["id"]}">' in page and f'id="spark-{theme["id"]}"' in page


def test_a_theme_shows_its_size_trend_quotes_keywords_and_reporters(reader: TestClient) -> None:
    theme = reader.get("/themes.json").json()["themes"][0]
    page = reader.get(f"/themes/{theme['id']}").text
    assert f'<span class="big">{theme["size"]}</span> pieces' in page
    assert 'id="trend"' in page and "<summary>Weekly counts</summary>" in page
    assert ", ".join(theme["keywords"]) in page
    assert page.count("<blockquote>") == len(theme["quotes"]) > 0
    assert "30-day retention of the" in page and "reporters found among the product" in page


def test_labels_people_gave_are_escaped(reader: TestClient) -> None:
    renamed = next(t for t in reader.get("/themes.json").json()["themes"]
                   if t["label"] == filled.THEME)
    for path in ("/themes", f"/themes/{renamed['id']}", "/"):
        page = reader.get(path).text
        assert "<script>alert(" not in page
        if path != "/":
            assert "&lt;script&gt;alert(&#39;theme&#39;)&lt;/script&gt;" in page


def test_rename_merge_split(client: TestClient) -> None:
    token = filled.csrf(client)
    first, second, *_ = ids(client)
    renamed = client.post(f"/themes/{first}/rename", data={"label": "Cards", "csrf": token},
                          follow_redirects=False)
    assert (renamed.status_code, renamed.headers["location"]) == (303, f"/themes/{first}")
    assert client.get(f"/themes/{first}.json").json()["label"] == "Cards"
    size = sum(client.get(f"/themes/{i}.json").json()["size"] for i in (first, second))
    merged = client.post(f"/themes/{first}/merge", data={"other": str(second), "csrf": token},
                         follow_redirects=False)
    assert merged.headers["location"] == f"/themes/{first}" and second not in ids(client)
    assert client.get(f"/themes/{first}.json").json()["size"] == size
    split = client.post(f"/themes/{first}/split", data={"parts": "2", "csrf": token},
                        follow_redirects=False)
    assert split.status_code == 303 and first not in ids(client)
    child = int(split.headers["location"].rsplit("/", 1)[1])
    assert child in ids(client)
    edits = client.get(f"/themes/{child}.json").json()
    assert edits["origin"] == "split"


@pytest.mark.parametrize(("action", "form", "field", "message"), [
    ("rename", {"label": "  "}, "label", "a theme&#39;s name cannot be empty"),
    ("merge", {"other": "{self}"}, "other", "merge needs two different themes"),
    ("merge", {"other": "999"}, "other", "no theme 999"),
    ("merge", {"other": "first"}, "other", "theme &#39;first&#39;: write a whole number"),
    ("split", {"parts": "1"}, "parts", "parts 1: split into at least 2 themes"),
    ("split", {"parts": "500"}, "parts", "too few to split in 500"),
])
def test_a_refused_edit_is_shown_next_to_its_field(client: TestClient, action: str,
                                                   form: dict[str, str], field: str,
                                                   message: str) -> None:
    before = client.get("/themes.json").json()
    number = before["themes"][0]["id"]
    data = {k: v.replace("{self}", str(number)) for k, v in form.items()}
    answer = client.post(f"/themes/{number}/{action}", data={**data,
                                                             "csrf": filled.csrf(client)})
    assert answer.status_code == 400
    [line] = [line for line in answer.text.splitlines() if "field-error" in line]
    assert f'id="err-{field}"' in line and message in line
    assert client.get("/themes.json").json() == before


@pytest.mark.parametrize("token", [None, "forged"])
def test_an_edit_without_the_csrf_token_is_refused(client: TestClient, token: str | None) -> None:
    filled.csrf(client)
    before = client.get("/themes.json").json()
    number = before["themes"][0]["id"]
    answer = client.post(f"/themes/{number}/rename", data={"label": "Sneaky"}
                         | ({"csrf": token} if token else {}))
    assert answer.status_code == 403
    assert client.get("/themes.json").json() == before


@pytest.fixture(scope="module")
def served(built: Path) -> Iterator[str]:
    """The themed workspace served by uvicorn (the ``page`` fixture browses this server)."""
    yield from serve(built)


def test_sparklines_are_drawn_in_chromium(page, served: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(served + "/themes")
    page.wait_for_function("document.querySelectorAll('td.trend svg').length >= 3",
                           timeout=20000)
    box = page.locator("td.trend svg").first.bounding_box()
    assert box is not None and box["width"] > 50 and box["height"] > 10
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "themes.png", full_page=True)
    page.locator("td a").first.click()
    page.wait_for_selector("figure.chart svg", timeout=20000)
    page.screenshot(path=SCREENSHOTS / "theme.png", full_page=True)
    assert page.errors == []
    assert page.hosts == {served.removeprefix("http://")}


def test_undated_evidence_says_it_has_no_trends(reader: TestClient, tmp_path: Path) -> None:
    """Real tickets without a date column: the page says why there are no trends instead of
    counting "the last 0 weeks"; dated evidence gets its weekly counts."""
    import pandas as pd

    from needle.workspace import Workspace
    from tests.conftest import Cli
    from tests.themes.conftest import TRAIN

    train = pd.read_csv(TRAIN)
    picked = train[train.category.isin(sorted(train.category.unique())[:3])]
    picked.groupby("category").head(20)[["text"]].to_csv(tmp_path / "tickets.csv", index=False)
    root = Workspace.init(tmp_path / "ws").root
    cli = Cli(root)
    cli("evidence", "import", str(tmp_path / "tickets.csv"), "--kind", "ticket")
    cli("themes", "build")
    undated = TestClient(create_app(root))
    assert undated.get("/themes.json").json()["themes"]
    page = undated.get("/themes").text
    assert "No trends: the evidence carries no dates." in page and "last 0 weeks" not in page
    assert "Weekly counts over the last" in reader.get("/themes").text
