"""Documents: HTML and PDF are renders of the same Markdown, and the PDF is a real page."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image

from needle.artifacts import store
from needle.artifacts.links import Link
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
