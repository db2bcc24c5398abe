"""Themes: customer evidence synthesised into themes people read once and agree with.

``refresh`` prepares, embeds and clusters all evidence into themes and topics and stores them,
``update`` assigns new evidence incrementally, ``list_themes`` / ``get_theme`` read them back
(``get_theme(store, id).evidence_ids`` is what other artifacts cite), and ``merge`` / ``split`` /
``rename`` record a person's edits, which refreshes keep.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from needle import lazy

if TYPE_CHECKING:
    from needle.themes.behaviour import BehaviourRow, theme_behaviour
    from needle.themes.clustering import Clustering, ClusterParams, cluster
    from needle.themes.edits import merge, rename, split
    from needle.themes.groups import ThemeGroup, group_themes
    from needle.themes.refreshing import RefreshResult, refresh
    from needle.themes.updating import UpdateResult, update
    from needle.themes.view import ThemeList, ThemeSummary, Topic, get_theme, list_themes

# Loaded on first use (PEP 562): listing stored themes must not import the clustering,
# embedding and statistics libraries, so `needle themes` answers at once.
_EXPORTS = {
    "BehaviourRow": "needle.themes.behaviour",
    "ClusterParams": "needle.themes.clustering",
    "Clustering": "needle.themes.clustering",
    "RefreshResult": "needle.themes.refreshing",
    "ThemeGroup": "needle.themes.groups",
    "ThemeList": "needle.themes.view",
    "ThemeSummary": "needle.themes.view",
    "Topic": "needle.themes.view",
    "UpdateResult": "needle.themes.updating",
    "cluster": "needle.themes.clustering",
    "get_theme": "needle.themes.view",
    "group_themes": "needle.themes.groups",
    "list_themes": "needle.themes.view",
    "merge": "needle.themes.edits",
    "refresh": "needle.themes.refreshing",
    "rename": "needle.themes.edits",
    "split": "needle.themes.edits",
    "theme_behaviour": "needle.themes.behaviour",
    "update": "needle.themes.updating",
}


__getattr__ = lazy.exports(__name__, _EXPORTS)


__all__ = [
    "BehaviourRow",
    "ClusterParams",
    "Clustering",
    "RefreshResult",
    "ThemeGroup",
    "ThemeList",
    "ThemeSummary",
    "Topic",
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
