"""Text preparation: the customer's words without markup, templates, code, logs and replies."""

from __future__ import annotations

import pytest

from needle.themes.prepare import prepare, prepare_one

ISSUE = """<!-- Thanks for reporting! Fill in the sections. -->
### Describe the bug

The export button does nothing on **large** boards, see [the docs](https://x.io/docs).

![screenshot](https://x.io/a.png)

```
Traceback (most recent call last):
  File "app.py", line 3, in <module>
```

    indented code line

2024-05-02T10:14:05Z ERROR export failed
TypeError: Cannot read properties of undefined (reading 'hooks')
    at loadPlugin (/app/lib/plugins.js:41:22)

> quoted reply from someone else

Mail me at jo@example.com or visit www.example.com
"""


def test_markup_code_logs_stack_frames_urls_and_quotes_are_dropped() -> None:
    assert prepare_one(ISSUE).split("\n") == [
        "Describe the bug",
        "The export button does nothing on large boards, see the docs.",
        "Mail me at or visit"]


@pytest.mark.parametrize(("text", "words"), [
    ("Hi team,\n\nThe board is slow.\n\nThanks,\nAnna", "The board is slow."),
    ("Hello,\n\nExport fails.\n\n-- \nAnna Smith\nACME Inc.", "Export fails."),
    ("Sync is broken.\n\nOn Mon, 3 Jun 2024 at 10:00, Support <s@x.io> wrote:\n> did you try",
     "Sync is broken."),
    ("Crashes on start\n\nSent from my iPhone", "Crashes on start"),
    ("TypeError: Cannot read properties of undefined", "TypeError: Cannot read properties of "
     "undefined"),  # a piece that is only an error message keeps it
])
def test_greetings_signatures_replies_are_dropped(text: str, words: str) -> None:
    assert prepare_one(text) == words


def test_lines_repeated_across_many_pieces_are_template_lines() -> None:
    pieces = [f"### Version\n3.{i}\n### What happened\nThe feed item {i} has a wrong date"
              for i in range(20)] + ["Great app"] * 10
    prepared = prepare(pieces)
    assert prepared[3] == "The feed item 3 has a wrong date"  # a bare version is no prose
    # a short text many people wrote is what they said, not a template
    assert prepared[-1] == "Great app"


def test_a_piece_made_only_of_common_lines_keeps_them() -> None:
    pieces = ["### Steps\nOpen the app"] * 6 + ["### Steps\nClick export and wait"] * 6
    assert prepare(pieces)[0] == "Steps\nOpen the app"
