"""Documents: one Markdown template per artifact kind; HTML and PDF are renders of that Markdown.

The PDF is drawn by fpdf2 from the same HTML, in pure Python, so no system libraries are needed.
Its built-in fonts cover Latin-1 only, so the few typographic characters we use are spelled out.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup

from needle.errors import UserError

FORMATS = ("md", "html", "pdf")
_ENV = Environment(loader=PackageLoader("needle.documents", "templates"), trim_blocks=True,
                   lstrip_blocks=True, keep_trailing_newline=True,
                   autoescape=select_autoescape(["html.j2"]))
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")
# arrow, minus, en and em dash, ellipsis, >=, <=, curly quotes
_LATIN1 = str.maketrans({"\u2192": "->", "\u2212": "-", "\u2013": "-", "\u2014": "-",
                         "\u2026": "...", "\u2265": ">=", "\u2264": "<=", "\u201c": '"',
                         "\u201d": '"', "\u2018": "'", "\u2019": "'"})


def markdown(template: str, context: dict[str, Any]) -> str:
    """Render ``<template>.md.j2`` with the artifact's view as ``a`` (plus any extras)."""
    return _ENV.get_template(f"{template}.md.j2").render(**context)


def html_body(text: str) -> str:
    return _MARKDOWN.render(text)


def html_page(text: str, title: str, nav: str = "") -> str:
    return _ENV.get_template("page.html.j2").render(
        title=title, body=Markup(html_body(text)), nav=Markup(nav))


def pdf(*texts: str) -> bytes:
    """A PDF of the Markdown documents, each from a new page, laid out from their HTML."""
    from fpdf import FPDF  # 0.8 s to import; only PDF exports need it

    document = FPDF(format="A4")
    document.set_auto_page_break(auto=True, margin=15)
    for text in texts:
        document.add_page()
        document.set_font("helvetica", size=10)
        safe = html_body(text).translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")
        document.write_html(safe)
    return bytes(document.output())


def export(text: str, fmt: str, title: str) -> bytes:
    """The document in ``fmt`` (md, html or pdf) as bytes ready to write."""
    if fmt == "md":
        return text.encode("utf-8")
    if fmt == "html":
        return html_page(text, title).encode("utf-8")
    if fmt == "pdf":
        return pdf(text)
    raise UserError(f"export format {fmt!r}: use one of {', '.join(FORMATS)}")
