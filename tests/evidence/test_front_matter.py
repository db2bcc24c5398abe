"""Front matter from other people's notes is a few keys: no aliases, no depth, no size to speak of.

An alias bomb of 267 bytes grew each note by ~30 MB (and listing them by 1.4 GB); an alias inside
its own anchor made a value that contains itself (a ``RecursionError`` later). Each is refused in
one line naming the file and the line, and nothing of the import is stored.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from needle.errors import InputError
from needle.evidence.notes import FRONT_MATTER_BYTES, split_front_matter

LOL = '["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'
BOMB = ("---\n"
        f"a: &a {LOL}\n"
        "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
        "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
        "e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
        "---\nThe body.\n")

# (case, note, line named, words of the reason)
CASES = [
    ("alias bomb", BOMB, "line 3", "YAML alias *a"),
    ("self-reference", "---\na: &a [*a]\n---\nBody.\n", "line 2", "YAML alias *a"),
    ("mapping inside itself", "---\na: &a\n  b: *a\n---\nBody.\n", "line 3", "YAML alias *a"),
    ("merge key", "---\nbase: &base {customer: acme}\nnote:\n  <<: *base\n---\nBody.\n",
     "line 4", "YAML alias *base"),
    ("alias as a key", "---\n&k key: 1\n*k : 2\n---\nBody.\n", "line 3", "YAML alias *k"),
    ("deep nesting", "---\na: " + "[" * 5000 + "]" * 5000 + "\n---\nBody.\n", "line 2",
     "nested more than 20 levels"),
    ("deep block nesting", "---\n" + "".join(f"{'  ' * i}k{i}:\n" for i in range(40))
     + f"{'  ' * 40}x\n---\nBody.\n", "line 21", "nested more than 20 levels"),
    ("too big", "---\nnotes: " + "x" * FRONT_MATTER_BYTES + "\n---\nBody.\n", "line 2",
     "over 64 KiB"),
]


@pytest.mark.parametrize(("case", "note", "where", "reason"), CASES, ids=[c[0] for c in CASES])
def test_front_matter_that_could_blow_up_is_refused(case: str, note: str, where: str,
                                                    reason: str) -> None:
    assert len(BOMB) < 300
    with pytest.raises(InputError) as caught:
        split_front_matter(Path("notes/n.md"), note)
    message = str(caught.value)
    assert message.startswith(f"notes/n.md: {where}: ") and reason in message
    assert "\n" not in message


@pytest.mark.parametrize(("note", "front"), [
    ("---\ncustomer: acme\ndate: 2024-03-01\ntags: [a, b]\n---\nBody.\n",
     {"customer": "acme", "tags": ["a", "b"]}),
    ("---\nanchored: &only {x: 1}\n---\nBody.\n", {"anchored": {"x": 1}}),
    ("---\n" + "".join(f"{'  ' * i}k{i}:\n" for i in range(10)) + f"{'  ' * 10}x\n---\nBody.\n",
     None),
])
def test_ordinary_front_matter_still_reads(note: str, front: dict | None) -> None:
    found, body, _ = split_front_matter(Path("n.md"), note)
    assert body == "Body.\n"
    if front is not None:
        assert {k: found[k] for k in front} == front


@pytest.mark.parametrize(("case", "note", "where", "reason"), CASES[:2] + CASES[-1:],
                         ids=[c[0] for c in CASES[:2] + CASES[-1:]])
def test_a_bad_note_fails_the_import_in_one_line_and_skip_bad_skips_it(
        cli, write, stored, case: str, note: str, where: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    good = write("notes/good.md", "---\ncustomer: acme\n---\nPricing is unclear.\n")
    bad = write("notes/bad.md", note)
    result = cli("evidence", "import", str(good.parent), ok=False)
    assert result.exit_code == 1
    (line,) = [line for line in result.output.splitlines() if line.strip()]
    assert line.startswith(f"error: {bad}: {where}: ") and reason in line
    assert stored() == 0
    cli("evidence", "import", str(good.parent), "--skip-bad")
    assert stored() == 1


@pytest.mark.parametrize(("front", "reason"), [
    ("customer: [acme, globex]", "customer is a list; give one value"),
    ("id: {a: 1}", "id is a dict; give one value"),
])
def test_a_field_given_as_a_list_or_mapping_is_refused_not_stringified(
        cli, write, stored, front: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    bad = write("notes/bad.md", f"---\n{front}\n---\nPricing is unclear.\n")
    result = cli("evidence", "import", str(bad), ok=False)
    assert result.output.strip() == f"error: {bad}: front matter: {reason}"
    assert stored() == 0
