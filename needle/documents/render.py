"""Documents: one Markdown template per artifact kind; HTML and PDF are renders of that Markdown.

What people typed (titles, statements, evidence, quotes) is untrusted: a shared store holds other
people's text, and evidence comes from customers. Templates put it in as literal text (every
``{{ }}`` is escaped for Markdown, :func:`markdown_text`), and the renderers make no images, pass
no raw HTML and link only to http(s) or to the portfolio's own pages, so rendering a document
never reads a file or opens a connection.

The PDF is drawn by fpdf2 from the same HTML, in pure Python, so no system libraries are needed.
Its built-in fonts cover Latin-1 only, so the few typographic characters we use are spelled out;
its links are written out as text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup

from needle.errors import InternalError, UserError

FORMATS = ("md", "html", "pdf")
# What could start markup inside a line: backslashes, code, emphasis, autolinks and HTML, table
# cells, an underscore not inside a word, a bracket that could close a link (or be closed by the
# template's next character) and an entity. Escaped, each stays its character.
_INLINE_SPECIAL = re.compile(
    r"[\\`*<|]|(?<![^\W_])_|_(?![^\W_])|\](?=[(\[]|\Z)|&(?=#?[A-Za-z0-9]+;)")
# What starts a block at a line's start: headings, quotes, lists, rules, setext underlines,
# fences, link definitions and ordered lists (whose number stays, its dot escaped).
_LINE_START = re.compile(
    r"^(?:#(?=#{0,5}(?:[ \t]|$))|[+-](?=[ \t]|$|-)|=(?=[= \t]*$)|~(?=~~)|[>\[]"
    r"|(\d{1,9})(?=[.)](?:[ \t]|$)))", re.MULTILINE)
_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)
# A page of the portfolio (``ship-3.html``) or a web address: the only links a document has.
_LINK = re.compile(r"(?:https?://[^\s<>\\]+|[\w-]+\.html)\Z", re.IGNORECASE)
_BACKTICKS = re.compile(r"`+")


def markdown_text(value: object) -> str:
    """``value`` as Markdown that renders to exactly its text: no markup, link or image.

    Only what could start markup is escaped, so prose reads as it was typed."""
    text = _INDENT.sub("", re.sub(r"\r\n?", "\n", str(value)))  # indented means code
    text = _INLINE_SPECIAL.sub(lambda m: "\\" + m[0], text)
    return _LINE_START.sub(lambda m: m[1] + "\\" if m[1] else "\\" + m[0], text)


def _finalize(value: Any) -> str:
    """Every ``{{ }}`` of a Markdown template: literal text, unless a filter made it Markup."""
    return value if isinstance(value, Markup) else markdown_text(value)


def code(value: object) -> Markup:
    """``value`` as an inline code span: a fence of backticks longer than any run inside."""
    text = " ".join(str(value).split())
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return Markup(f"{fence}{pad}{text}{pad}{fence}")


def codeblock(value: object, language: str = "") -> Markup:
    """``value`` as a fenced code block that nothing inside can close early."""
    text = str(value).rstrip("\n")
    fence = "`" * max(3, max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    return Markup(f"{fence}{language}\n{text}\n{fence}")


def cell(value: object) -> Markup:
    """``value`` in a table cell: on one line, with its pipes escaped (code spans too)."""
    text = str(value).replace("|", "\\|") if isinstance(value, Markup) else markdown_text(value)
    return Markup(" ".join(text.split()))


_LOADER = PackageLoader("needle.documents", "templates")
_ENV = Environment(loader=_LOADER, trim_blocks=True, lstrip_blocks=True,
                   keep_trailing_newline=True, autoescape=False, finalize=_finalize)
_ENV.filters.update(code=code, codeblock=codeblock, cell=cell)
_HTML_ENV = Environment(loader=_LOADER, autoescape=True)


def _markdown_it() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table").disable("image")
    md.validateLink = lambda url: bool(_LINK.match(url))  # type: ignore[method-assign]
    return md


_MARKDOWN = _markdown_it()
_PDF_MARKDOWN = _markdown_it()
# arrow, minus, en and em dash, ellipsis, >=, <=, curly quotes
_LATIN1 = str.maketrans({"\u2192": "->", "\u2212": "-", "\u2013": "-", "\u2014": "-",
                         "\u2026": "...", "\u2265": ">=", "\u2264": "<=", "\u201c": '"',
                         "\u201d": '"', "\u2018": "'", "\u2019": "'"})


def _pdf_link_open(self: RendererHTML, tokens: Sequence[Token], idx: int,
                   options: OptionsDict, env: EnvType) -> str:
    return ""


def _pdf_link_close(self: RendererHTML, tokens: Sequence[Token], idx: int,
                    options: OptionsDict, env: EnvType) -> str:
    """A web address is written after the link's text; a page of the portfolio is not."""
    start = max(i for i in range(idx) if tokens[i].type == "link_open")
    href = str(tokens[start].attrGet("href") or "")
    shown = "".join(t.content for t in tokens[start + 1:idx])
    if href == shown or not href.lower().startswith(("http:", "https:")):
        return ""
    return f" ({escapeHtml(href)})"


_PDF_MARKDOWN.add_render_rule("link_open", _pdf_link_open)
_PDF_MARKDOWN.add_render_rule("link_close", _pdf_link_close)


def markdown(template: str, context: dict[str, Any]) -> str:
    """Render ``<template>.md.j2`` with the artifact's view as ``a`` (plus any extras); each
    value goes in as literal text (see :func:`markdown_text`)."""
    return _ENV.get_template(f"{template}.md.j2").render(**context)


def has_template(name: str) -> bool:
    return f"{name}.md.j2" in _ENV.list_templates()


def html_body(text: str) -> str:
    return _MARKDOWN.render(text)


def html_page(text: str, title: str, nav: str = "") -> str:
    return _HTML_ENV.get_template("page.html.j2").render(
        title=title, body=Markup(html_body(text)), nav=Markup(nav))


def pdf(*texts: str) -> bytes:
    """A PDF of the Markdown documents, each from a new page, laid out from their HTML."""
    document = _text_only_pdf()
    document.set_auto_page_break(auto=True, margin=15)
    for text in texts:
        document.add_page()
        document.set_font("helvetica", size=10)
        html = _PDF_MARKDOWN.render(text)
        safe = html.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")
        document.write_html(safe)
    return bytes(document.output())


def _text_only_pdf() -> Any:
    """An fpdf2 document that refuses to embed an image: one would be read from a file or the
    network while the PDF is built."""
    from fpdf import FPDF  # 0.8 s to import; only PDF exports need it

    class TextOnlyPDF(FPDF):
        def image(self, name: Any, *args: Any, **kwargs: Any) -> Any:
            raise InternalError(f"a document tried to embed an image ({name!r})")

    return TextOnlyPDF(format="A4")


_SUFFIXES = {"md": "md", "markdown": "md", "html": "html", "htm": "html", "pdf": "pdf"}


def export_format(out: Path | None, fmt: str | None) -> str:
    """The format to write: ``fmt`` if given, else the file's suffix (``report.pdf`` is a PDF),
    else Markdown. A file named for another format is refused, so a ``.pdf`` never holds
    Markdown."""
    suffix = out.suffix.lower().lstrip(".") if out is not None else ""
    chosen = (fmt or _SUFFIXES.get(suffix, suffix) or "md").lower()
    if chosen not in FORMATS:
        where = f"{out.name}: " if out is not None and not fmt else ""
        raise UserError(f"{where}export format {chosen!r}: use one of {', '.join(FORMATS)}",
                        field="out" if where else "format", value=chosen)
    if out is not None and suffix and _SUFFIXES.get(suffix, chosen) != chosen:
        raise UserError(f"{out.name} is named for {_SUFFIXES[suffix]} but the format is "
                        f"{chosen}; name the file .{chosen} or choose {_SUFFIXES[suffix]}",
                        field="format", value=chosen)
    return chosen


def export(text: str, fmt: str, title: str) -> bytes:
    """The document in ``fmt`` (md, html or pdf) as bytes ready to write."""
    if fmt == "md":
        return text.encode("utf-8")
    if fmt == "html":
        return html_page(text, title).encode("utf-8")
    if fmt == "pdf":
        return pdf(text)
    raise UserError(f"export format {fmt!r}: use one of {', '.join(FORMATS)}")
