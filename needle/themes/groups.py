"""Groups of related themes (the stored topics, see :mod:`needle.themes.topics`) as
``needle themes groups`` lists them; their numbers are positions (largest first)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from needle.errors import UserError
from needle.store import Store
from needle.themes.topics import group_of
from needle.themes.view import ThemeSummary, list_themes

__all__ = ["ThemeGroup", "group_of", "group_themes"]


@dataclass(frozen=True)
class ThemeGroup:
    """Related themes, largest first; named by its topic (else by its largest theme)."""

    id: int
    themes: list[ThemeSummary]
    share: float
    name: str | None = None

    @property
    def label(self) -> str:
        return self.name or self.themes[0].label

    @property
    def size(self) -> int:
        return sum(t.size for t in self.themes)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "size": self.size,
                "share": round(self.share, 4), "theme_ids": [t.id for t in self.themes],
                "themes": [{"id": t.id, "label": t.label, "size": t.size} for t in self.themes]}


def group_themes(store: Store) -> list[ThemeGroup]:
    """The active themes in their topics, largest topic first."""
    found = list_themes(store)
    if not found.themes:
        raise UserError("no themes yet; build them from the evidence first", hint="themes")
    return [ThemeGroup(number, topic.themes, topic.share, topic.label)
            for number, topic in enumerate(found.topics, start=1)]
