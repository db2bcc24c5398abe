"""Themes: customer evidence synthesised into themes people read once and agree with.

``refresh`` embeds and clusters all evidence, ``update`` assigns new evidence incrementally,
``list_themes`` / ``get_theme`` read them back (``get_theme(store, id).evidence_ids`` is what
other artifacts cite), and ``merge`` / ``split`` / ``rename`` record a person's edits, which
refreshes keep.
"""

from needle.themes.behaviour import BehaviourRow, theme_behaviour
from needle.themes.cluster import Clustering, ClusterParams, cluster
from needle.themes.edits import merge, rename, split
from needle.themes.groups import ThemeGroup, group_themes
from needle.themes.refresh import RefreshResult, refresh
from needle.themes.update import UpdateResult, update
from needle.themes.view import ThemeList, ThemeSummary, get_theme, list_themes

__all__ = [
    "BehaviourRow",
    "ClusterParams",
    "Clustering",
    "RefreshResult",
    "ThemeGroup",
    "ThemeList",
    "ThemeSummary",
    "UpdateResult",
    "cluster",
    "get_theme",
    "group_themes",
    "list_themes",
    "merge",
    "refresh",
    "rename",
    "split",
    "theme_behaviour",
    "update",
]
