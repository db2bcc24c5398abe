"""Text preparation: what a customer wrote, without the markup and machinery around it.

Themes are found and named from the prepared text; people still read the original. Markdown is
parsed with markdown-it-py (the CommonMark parser the project already depends on), keeping prose
and dropping code blocks, images, HTML and quoted replies. Line rules then drop what no parser
knows about: stack frames, log lines, URLs, e-mail addresses, greetings and sign-offs, and lines
that are mostly symbols. Last, lines repeated across many pieces (issue-template headings,
checklists, canned boilerplate) are dropped from a piece that has words of its own: a template
says nothing about what one customer means.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

# Inline tokens whose text is never the customer's own words (code blocks, fences and HTML
# blocks hold no inline tokens at all, so they drop out by themselves).
_SKIPPED_INLINE = {"image", "html_inline"}

# A line repeated in at least this share of pieces (and at least REPEATED_MIN of them) is
# boilerplate: headings of an issue template appear in most pieces, a real sentence in few.
REPEATED_SHARE = 0.05
REPEATED_MIN = 5

_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_STACK = re.compile(
    r"^\s*(?:at\s+[\w$.<>/]+[(\s].*|at\s+\S+:\d+(?::\d+)?\)?|File \".*\", line \d+.*"
    r"|Traceback \(most recent call last\):?|\.\.\.\s*\d+\s+more|#\d+\s+0x[0-9a-f]+.*"
    r"|(?:[a-z_$][\w$]*\.)+[A-Z]\w*(?:Error|Exception)\b.*|Caused by:.*"
    r"|\w+(?:Error|Exception):\s.*)",
)
_LOG = re.compile(
    r"^\s*(?:\[?\d{4}[-/]\d{2}[-/]\d{2}[T ]\d{1,2}:\d{2}|\[?\d{1,2}:\d{2}:\d{2}"
    r"|\[?(?:TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|CRITICAL)\]?[\s:\]-])",
)
_GREETING = re.compile(
    r"^(?:hi|hello|hey|dear|greetings|good (?:morning|afternoon|evening))\b[\w ]{0,30}[,!.:]?$",
    re.IGNORECASE)
_SIGNOFF = re.compile(
    r"^(?:thanks?(?: you)?(?: (?:so|very) much)?(?: in advance)?|many thanks|cheers|best"
    r"(?: regards| wishes)?|kind regards|regards|sincerely|br|sent from my .*)[,!.]?$",
    re.IGNORECASE)
_REPLY_HEADER = re.compile(r"^(?:on .{4,80} wrote:|-{2,} ?original message ?-{2,}|from: .*)$",
                           re.IGNORECASE)
_SIGNATURE = re.compile(r"^--\s*$")
_LETTERS = re.compile(r"[^\W\d_]")
_WORDS = re.compile(r"[^\W_]+")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark")


def prepare(texts: Sequence[str]) -> list[str]:
    """The customer's words of each text (empty when there are none), lines joined by newlines.

    Repetition is counted over ``texts``, so pass the whole corpus, not one piece."""
    pieces = [_lines(text) for text in texts]
    repeated = _repeated(pieces)
    out = []
    for lines in pieces:
        own = [line for line in lines if _key(line) not in repeated]
        out.append("\n".join(own or lines))  # all lines common: they are the piece's words
    return out


def prepare_one(text: str) -> str:
    """One text alone (no repetition across pieces to learn from)."""
    return "\n".join(_lines(text))


def _repeated(pieces: list[list[str]]) -> set[str]:
    """Keys of lines found in many pieces; single-line pieces do not count, since a short
    review that many people wrote ("Great app") is what they said, not a template."""
    counts: Counter[str] = Counter()
    for lines in pieces:
        if len(lines) > 1:
            counts.update({_key(line) for line in lines})
    floor = max(REPEATED_MIN, REPEATED_SHARE * len(pieces))
    return {key for key, count in counts.items() if count >= floor and key}


def _key(line: str) -> str:
    return " ".join(_WORDS.findall(line.lower()))


def _lines(text: str) -> list[str]:
    body = _before_replies(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    found = [line for chunk in _prose(body) for line in map(_clean, chunk.split("\n")) if line]
    # a piece that is one error message (an issue titled "TypeError: ...") keeps it
    lines = [line for line in found if _is_prose(line)] or found[:1]
    while lines and _GREETING.match(lines[0]):
        lines.pop(0)
    for index in range(max(0, len(lines) - 3), len(lines)):
        if index > 0 and _SIGNOFF.match(lines[index]):
            lines = lines[:index]
            break
    return lines


def _before_replies(lines: list[str]) -> str:
    """The text above a signature marker (``--``) or a quoted reply's header."""
    for number, line in enumerate(lines):
        if number and (_SIGNATURE.match(line) or _REPLY_HEADER.match(line.strip())):
            return "\n".join(lines[:number])
    return "\n".join(lines)


def _prose(text: str) -> list[str]:
    """The text of each Markdown block worth reading, skipping code, images, HTML, quotes."""
    chunks, quoted = [], 0
    for token in _parser().parse(text):
        if token.type == "blockquote_open":
            quoted += 1
        elif token.type == "blockquote_close":
            quoted -= 1
        elif token.type == "inline" and not quoted:
            chunks.append(_inline_text(token.children or []))
    return chunks


def _inline_text(children: list[Token]) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type in _SKIPPED_INLINE:
            continue
    return "".join(parts)


def _clean(line: str) -> str:
    line = _EMAIL.sub(" ", _URL.sub(" ", line))
    line = re.sub(r"^\s*\[[ xX]\]\s*", "", line)  # task-list boxes
    return " ".join(line.split())


def _is_prose(line: str) -> bool:
    """Not a stack frame, a log line or a run of symbols (JSON, paths, hex)."""
    if _STACK.match(line) or _LOG.match(line):
        return False
    letters = len(_LETTERS.findall(line))
    return letters > 0 and (len(line) < 20 or letters >= 0.5 * len(line.replace(" ", "")))
