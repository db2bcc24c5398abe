"""Keeping theme ids (and so people's names and edits) stable when themes are rebuilt.

A fresh clustering knows nothing of the themes people have seen. Each new group is matched to the
stored theme that held most of its members before:

- a theme a person made by merging absorbs every group whose members mostly came from it;
- a group that mostly came from a theme a person split is shared out among the split's themes,
  each member going to the nearest of them;
- any other group takes over the id of the old theme it overlaps most (one to one, largest
  overlaps first, at least half of the smaller side), so a renamed theme keeps its name;
- groups left over become new themes; old themes left over are retired.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MERGED = "merge"
SPLIT = "split"


@dataclass(frozen=True)
class OldTheme:
    id: int
    origin: str
    size: int
    parent_id: int | None = None


@dataclass(frozen=True)
class Plan:
    """``matched[g]`` is the theme id group g keeps; ``shared[g]`` the split themes it goes to."""

    matched: dict[int, int]
    shared: dict[int, list[int]]
    new: list[int]
    retired: list[int]


def reconcile(
    groups: Sequence[Sequence[int]], previous: Mapping[int, int], old: Mapping[int, OldTheme]
) -> Plan:
    """Decide, for every new group of evidence ids, which stored theme it continues."""
    matched: dict[int, int] = {}
    shared: dict[int, list[int]] = {}
    candidates: list[tuple[int, int, int]] = []
    for number, members in enumerate(groups):
        overlap = Counter(previous[m] for m in members if previous.get(m) in old)
        if not overlap:
            continue
        owner, _ = overlap.most_common(1)[0]
        theme = old[owner]
        if theme.origin == MERGED:
            matched[number] = owner
        elif theme.origin == SPLIT:
            shared[number] = _siblings(theme, old)
        else:
            candidates.extend((count, number, t) for t, count in overlap.items()
                              if old[t].origin not in (MERGED, SPLIT))
    _match_one_to_one(candidates, groups, old, matched)
    used = set(matched.values()) | {t for ids in shared.values() for t in ids}
    new = [g for g in range(len(groups)) if g not in matched and g not in shared]
    return Plan(matched, shared, new, sorted(set(old) - used))


def _siblings(theme: OldTheme, old: Mapping[int, OldTheme]) -> list[int]:
    return sorted(t.id for t in old.values()
                  if t.origin == SPLIT and t.parent_id == theme.parent_id)


def _match_one_to_one(
    candidates: list[tuple[int, int, int]],
    groups: Sequence[Sequence[int]],
    old: Mapping[int, OldTheme],
    matched: dict[int, int],
) -> None:
    taken = set(matched.values())
    for count, number, theme_id in sorted(candidates, reverse=True):
        if number in matched or theme_id in taken:
            continue
        if 2 * count >= min(len(groups[number]), old[theme_id].size):
            matched[number] = theme_id
            taken.add(theme_id)
