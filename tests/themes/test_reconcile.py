"""Which stored theme each fresh group continues."""

from __future__ import annotations

from needle.themes.reconcile import OldTheme, reconcile


def old(*themes: OldTheme) -> dict[int, OldTheme]:
    return {t.id: t for t in themes}


def test_groups_keep_the_id_of_the_theme_they_overlap_most() -> None:
    plan = reconcile([[1, 2, 3], [4, 5, 6]], {1: 10, 2: 10, 4: 20, 5: 20, 6: 20},
                     old(OldTheme(10, "auto", 3), OldTheme(20, "auto", 3)))
    assert plan.matched == {0: 10, 1: 20} and plan.new == [] and plan.retired == []


def test_one_old_theme_continues_in_one_group_only() -> None:
    plan = reconcile([[1, 2], [3, 4, 5]], dict.fromkeys([1, 2, 3, 4, 5], 10),
                     old(OldTheme(10, "auto", 5)))
    assert plan.matched == {1: 10} and plan.new == [0]


def test_a_small_overlap_starts_a_new_theme_and_retires_the_old() -> None:
    plan = reconcile([[1, 7, 8, 9]], {1: 10, 2: 10, 3: 10}, old(OldTheme(10, "auto", 3)))
    assert plan.matched == {} and plan.new == [0] and plan.retired == [10]


def test_a_merged_theme_absorbs_every_group_drawn_from_it() -> None:
    plan = reconcile([[1, 2], [3, 4]], dict.fromkeys([1, 2, 3, 4], 10),
                     old(OldTheme(10, "merge", 4)))
    assert plan.matched == {0: 10, 1: 10}


def test_a_group_drawn_from_a_split_is_shared_among_its_parts() -> None:
    plan = reconcile([[1, 2, 3, 4]], {1: 11, 2: 11, 3: 12, 4: 12},
                     old(OldTheme(11, "split", 2, 5), OldTheme(12, "split", 2, 5),
                         OldTheme(13, "split", 1, 6)))
    assert plan.shared == {0: [11, 12]} and plan.retired == [13]
