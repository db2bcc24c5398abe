"""Untrusted text in documents is text: building HTML and PDF reads no file and opens no socket.

Titles, statements, evidence and the like come from other people (a shared store, customers'
tickets). Rendered as Markdown, ``![x](/a/file.png)`` made fpdf2 embed that file in the PDF and
``![x](http://host/x.png)`` made it fetch the address while the PDF was built. Each case below
goes into every field a document shows; the build must open nothing outside its output, connect
nowhere, and show the text as it was typed.
"""

from __future__ import annotations

import builtins
import html
import io
import re
import shutil
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import needle
from needle.artifacts import proposals, ships, store
from needle.artifacts.links import Link
from needle.documents import portfolio, render
from needle.documents.artifacts import export
from needle.errors import InternalError
from needle.evidence.store import EvidenceRecord, add_evidence
from needle.workspace import Workspace
from tests.artifacts import tinyproduct

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
       b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
       b"\x00\x00\x00IEND\xaeB`\x82")
LOOPBACK = "http://127.0.0.1:9"  # never reached: the test fails any connection before it is made

# (case, text with {secret} standing for a local PNG file)
CASES = [
    ("local image", "![x]({secret})"),
    ("remote image", f"![y]({LOOPBACK}/pixel.png)"),
    ("image with a title", '![t]({secret} "title")'),
    ("reference image", "![z][r]\n\n[r]: {secret}"),
    ("image in a link", f"[![i]({{secret}})]({LOOPBACK}/)"),
    ("raw html image", '<img src="{secret}">'),
    ("raw html link", '<a href="file://{secret}">open</a>'),
    ("file link", "[f](file://{secret})"),
    ("javascript link", "[j](javascript:alert(1))"),
    ("autolink", f"<{LOOPBACK}/auto>"),
    ("web link", f"[w]({LOOPBACK}/page)"),
    ("entities", "&#x3C;img src=x&#x3E; &amp; &lt;"),
    ("blocks", "# heading\n- item\n> quote\n1. first\n---\n    code"),
    ("emphasis and code", "**bold** _it_ `code` ```fence``` | a | b |"),
    ("backslashes", "C:\\temp\\*not* \\[x\\](y)"),
]


class Watch:
    """Records every file opened and every connection tried while active; connections fail."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.opened: list[str] = []
        self.connections: list[Any] = []
        opener = builtins.open

        def watched_open(file: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(file, str | Path):
                self.opened.append(str(Path(file).resolve()))
            return opener(file, *args, **kwargs)

        def refuse(*args: Any, **kwargs: Any) -> Any:
            self.connections.append(args[1:] or args)
            raise OSError("the test allows no connection")

        def refuse_image(*args: Any, **kwargs: Any) -> Any:
            names = [str(a) for a in args if isinstance(a, str | Path)]
            self.opened.append(f"fpdf image {', '.join(names)}")
            raise OSError("the test allows no image")

        monkeypatch.setattr(builtins, "open", watched_open)
        monkeypatch.setattr(io, "open", watched_open)
        monkeypatch.setattr(socket.socket, "connect", refuse)
        monkeypatch.setattr(socket.socket, "connect_ex", refuse)
        monkeypatch.setattr(socket, "create_connection", refuse)
        monkeypatch.setattr(socket, "getaddrinfo", refuse)
        monkeypatch.setattr(urllib.request, "urlopen", refuse)
        import fpdf.fpdf
        import fpdf.image_parsing

        for module in (fpdf.fpdf, fpdf.image_parsing):
            monkeypatch.setattr(module, "load_image", refuse_image)
            monkeypatch.setattr(module, "preload_image", refuse_image, raising=False)

    def outside(self, *allowed: Path) -> list[str]:
        """Opened files not under ``allowed`` (nor under Needle's or Python's own folders)."""
        roots = [str(p.resolve()) for p in (*allowed, Path(needle.__file__).parent,
                                            Path(sys.prefix), Path(sys.base_prefix))]
        return [p for p in self.opened if not any(p.startswith(r) for r in roots)]


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "private" / "secret.png"
    path.parent.mkdir()
    path.write_bytes(PNG)
    return path


@pytest.fixture
def watch(monkeypatch: pytest.MonkeyPatch) -> Iterator[Watch]:
    import fpdf  # noqa: F401  # imported before watching: its import reads its own files

    yield Watch(monkeypatch)


def squeeze(text: str) -> str:
    return "".join(text.split())


def html_text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    assert shutil.which("pdftotext"), "pdftotext missing: run scripts/services.sh (poppler-utils)"
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_the_watch_sees_fpdf_embed_an_image(secret: Path, watch: Watch) -> None:
    """The check itself: raw fpdf2 given an <img> tries to load it, and the watch records it."""
    from fpdf import FPDF

    document = FPDF()
    document.add_page()
    with pytest.raises(OSError):
        document.write_html(f'<img src="{secret}">')
    assert watch.opened == [f"fpdf image {secret}"]


def test_a_document_that_asks_for_an_image_is_refused() -> None:
    """Below the Markdown renderer, the PDF itself refuses to embed an image."""
    document = render._text_only_pdf()
    document.add_page()
    with pytest.raises(InternalError, match="image"):
        document.image("x.png")


@pytest.mark.parametrize(("case", "template"), CASES, ids=[c for c, _ in CASES])
def test_untrusted_text_in_an_artifact_renders_as_text(
        workspace: Workspace, secret: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        case: str, template: str) -> None:
    text = template.format(secret=secret)
    with workspace.store.session() as session:
        add_evidence(session, [EvidenceRecord("ticket", text, "t.csv", customer="c1")])
        problem = store.create(session, "problem", f"Title {text}", "ada",
                               {"statement": text, "affected": text}, [Link("evidence", "1")])
    watch = Watch(monkeypatch)
    with workspace.store.session() as session:
        artifact = store.get(session, "problem", problem.id)
        page = export(session, [], artifact, "html").decode()
        pdf = export(session, [], artifact, "pdf")
    monkeypatch.undo()
    assert watch.connections == [] and watch.outside() == []
    assert re.findall(r"<(?:img|a)\b", page) == []
    shown = squeeze(text)
    assert squeeze(html_text(page)).count(shown) >= 3  # statement, affected, evidence quote
    assert shown in squeeze(pdf_text(pdf, tmp_path))


@pytest.fixture(scope="module")
def product(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    root = tmp_path_factory.mktemp("untrusted") / "ws"
    workspace = Workspace.init(root)
    workspace.lake.append(tinyproduct.events())
    yield workspace
    workspace.close()


def test_the_portfolio_of_untrusted_text_reads_no_file_and_opens_no_socket(
        product: Workspace, secret: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = [template.format(secret=secret) for _, template in CASES]
    every = "\n\n".join(texts)
    engine = product.engine
    with product.store.session() as session:
        add_evidence(session, [EvidenceRecord("review", t, "t.csv", customer=f"c{i}",
                                              created_at=tinyproduct.LAUNCH + timedelta(days=2))
                               for i, t in enumerate(texts)])
        problem = store.create(session, "problem", texts[0], "ada",
                               {"statement": every, "affected": texts[1]},
                               [Link("evidence", str(i + 1)) for i in range(len(texts))],
                               status="open")
        proposal = proposals.create(session, engine, texts[2], "ada", {
            "problem": problem.id, "metric": tinyproduct.METRIC, "target": 0.6,
            "decision_rule": texts[3], "solution": every, "timeline": texts[4:7]},
            as_of=tinyproduct.LAUNCH.date().isoformat())
        proposals.respond(session, proposal, "approved", texts[5], texts[6], "ada")
        ships.create(session, engine, texts[7], "ada", {
            "proposal": proposal.id, "shipped_on": tinyproduct.LAUNCH.date().isoformat(),
            "weeks": 2, "what": texts[8], "learned": every, "next_steps": every}, [])
        store.create(session, "teardown", texts[9], "ada", {
            "competitor": texts[10], "shipped": every, "why": every, "differently": every,
            "sources": texts}, status="published")
    out = tmp_path / "site"
    watch = Watch(monkeypatch)
    with product.store.session() as session:
        book = portfolio.build(session, engine, out, texts[11])
    monkeypatch.undo()
    assert watch.connections == []
    assert watch.outside(out, product.root) == []
    assert not any("secret.png" in p for p in watch.opened)
    pages = {name: (out / name).read_text() for name in ["index.html", *book.pages]}
    assert all("<img" not in page for page in pages.values())
    site = squeeze("".join(html_text(page) for page in pages.values()))
    printed = squeeze(pdf_text((out / "portfolio.pdf").read_bytes(), tmp_path))
    for text in texts:
        assert squeeze(text) in site and squeeze(text) in printed, text


@pytest.mark.parametrize(("markdown", "html_link", "pdf_text_"), [
    (f"[site]({LOOPBACK}/x)", f'<a href="{LOOPBACK}/x">site</a>', f"site ({LOOPBACK}/x)"),
    ("[page](ship-1.html)", '<a href="ship-1.html">page</a>', "page"),
    ("[file](file:///etc/passwd)", None, "[file](file:///etc/passwd)"),
    ("[root](/etc/passwd)", None, "[root](/etc/passwd)"),
    ("[js](javascript:alert(1))", None, "[js](javascript:alert(1))"),
])
def test_template_links_go_only_to_the_web_or_the_portfolio_and_print_as_text(
        markdown: str, html_link: str | None, pdf_text_: str, tmp_path: Path) -> None:
    page = render.html_body(markdown)
    assert (html_link in page) if html_link else ("<a" not in page)
    printed = pdf_text(render.pdf(markdown), tmp_path)
    assert squeeze(pdf_text_) in squeeze(printed)


@pytest.mark.parametrize(("value", "markdown"), [
    ("plain words, a_b and 3.5% [+1, +2] wide", "plain words, a_b and 3.5% [+1, +2] wide"),
    ("ends in a bracket]", "ends in a bracket\\]"),
    ("![x](/etc/passwd)", "![x\\](/etc/passwd)"),
    ("# not a heading", "\\# not a heading"),
    ("1. not a list", "1\\. not a list"),
    ("<b>&amp;</b>", "\\<b>\\&amp;\\</b>"),
    ("_edge_ *star*", "\\_edge\\_ \\*star\\*"),
])
def test_values_are_escaped_only_where_markdown_would_act(value: str, markdown: str) -> None:
    assert render.markdown_text(value) == markdown


MARKDOWNISH = st.lists(st.sampled_from([
    *"ab1 \n\t#*_-+=~>[]()!<&;|`\\:./", "http://x", "&amp;", "&#65;", "1.", "2)", "    ", "---",
    "```", "~~~", "![", "](", "é", "<img "]), max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(MARKDOWNISH, st.text(max_size=40)))
def test_any_text_renders_as_exactly_that_text(value: str) -> None:
    """The escaped text renders to paragraphs holding the text as typed, and nothing else."""
    out = render.html_body(render.markdown_text(value))
    assert set(re.findall(r"<(/?\w+)", out)) <= {"p", "/p", "br"}
    assert squeeze(html_text(out)) == squeeze(value.replace("\x00", "\ufffd"))
