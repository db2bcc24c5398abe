"""Documents: HTML and PDF are renders of the same Markdown, and the PDF is a real page."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import select

from needle.artifacts import store
from needle.artifacts.links import Link
from needle.artifacts.models import AuditEntry
from needle.documents import render
from needle.documents.artifacts import export, markdown_for
from needle.errors import UserError
from needle.evidence.store import EvidenceRecord, add_evidence

STATEMENT = "Admins <script>alert(1)</script> cannot find the export → CSV button."


@pytest.fixture
def problem(workspace):  # type: ignore[no-untyped-def]
    with workspace.store.session() as session:
        add_evidence(session, [EvidenceRecord("ticket", f"Export broken {i}", "t.csv",
                                              customer=f"c{i}") for i in range(3)])
        made = store.create(session, "problem", "Export is hard to find", "ada",
                            {"statement": STATEMENT, "affected": "admins"},
                            [Link("evidence", str(i)) for i in (1, 2, 3)])
    return workspace, made.id


def _render(workspace, artifact_id: int, fmt: str) -> bytes:  # type: ignore[no-untyped-def]
    with workspace.store.session() as session:
        return export(session, [], store.get(session, "problem", artifact_id), fmt)


def test_markdown_holds_the_artifact_and_its_evidence(problem) -> None:
    workspace, pid = problem
    with workspace.store.session() as session:
        text = markdown_for(session, [], store.get(session, "problem", pid))
    assert text.startswith("# Problem: Export is hard to find")
    assert "**3 people**: 3 customers in 3 pieces of evidence" in text
    assert 'evidence:2 · ticket · customer c1' in text


def test_html_is_the_markdown_rendered_and_escaped(problem) -> None:
    workspace, pid = problem
    page = _render(workspace, pid, "html").decode()
    assert "<h1>Problem: Export is hard to find</h1>" in page
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_pdf_export_renders_to_a_page_with_ink(problem, tmp_path) -> None:
    assert shutil.which("pdftoppm"), "pdftoppm missing: run scripts/services.sh (poppler-utils)"
    workspace, pid = problem
    pdf = tmp_path / "problem.pdf"
    pdf.write_bytes(_render(workspace, pid, "pdf"))
    assert pdf.read_bytes().startswith(b"%PDF-")
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(tmp_path / "p")], check=True)
    [png] = tmp_path.glob("p*.png")
    pixels = np.asarray(Image.open(png).convert("L"))
    assert pixels.shape[0] > 400 and pixels.shape[1] > 300  # an A4 page at 50 dpi
    assert 0.002 < (pixels < 128).mean() < 0.5  # text on it, not a blank or black page


def test_pdf_spells_out_characters_its_fonts_lack() -> None:
    assert render.pdf("# A → B ≥ 3 “quoted”").startswith(b"%PDF-")


def test_unknown_export_format_is_refused() -> None:
    with pytest.raises(UserError, match="export format 'docx'"):
        render.export("# x", "docx", "x")


@pytest.mark.parametrize(("args", "kind"), [
    (("-o", "report.pdf"), b"%PDF"), (("-o", "report.PDF"), b"%PDF"),
    (("-o", "report.html"), b"<!doctype html>"), (("-o", "report.md"), b"# Problem:"),
    (("-o", "report.txt", "-f", "md"), b"# Problem:"), (("-f", "html"), b"<!doctype html>"),
])
def test_an_export_is_in_the_format_its_file_is_named_for(problem, cli, tmp_path, monkeypatch,
                                                          args, kind) -> None:
    monkeypatch.chdir((tmp_path / "out").mkdir() or tmp_path / "out")
    cli("problem", "export", str(problem[1]), *args)
    written = tmp_path / "out" / (args[1] if args[0] == "-o" else f"problem-{problem[1]}.html")
    assert written.read_bytes().lstrip()[:len(kind)] == kind


@pytest.mark.parametrize(("args", "message"), [
    (("-o", "report.docx"), "error: report.docx: export format 'docx': use one of md, html, pdf\n"),
    (("-o", "report.pdf", "-f", "md"), "error: report.pdf is named for pdf but the format is md; "
                                       "name the file .md or choose pdf (see --format)\n"),
    (("-o", "missing/report.md"), "error: cannot write missing/report.md: No such file or "
                                  "directory\n"),
])
def test_an_export_that_cannot_be_written_as_asked_is_one_line(problem, cli, tmp_path,
                                                                monkeypatch, args,
                                                                message) -> None:
    monkeypatch.chdir((tmp_path / "out").mkdir() or tmp_path / "out")
    result = cli("problem", "export", str(problem[1]), *args, ok=False)
    assert (result.exit_code, result.output) == (1, message)
    assert list((tmp_path / "out").iterdir()) == []


def test_a_portfolio_that_cannot_be_written_is_one_line_and_not_recorded(
        problem, cli, tmp_path) -> None:
    taken = tmp_path / "taken"
    taken.write_text("a file, not a folder", encoding="utf-8")
    result = cli("portfolio", "build", "--out", str(taken), ok=False)
    assert (result.exit_code, result.output) == (
        1, f"error: cannot write the portfolio to {taken}: File exists\n")
    workspace, _ = problem
    with workspace.store.session() as session:
        assert "portfolio" not in {e.action for e in session.scalars(select(AuditEntry))}
