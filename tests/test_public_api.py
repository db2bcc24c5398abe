import needle


def test_all_is_sorted_and_exported() -> None:
    assert needle.__all__ == sorted(needle.__all__)
    for name in needle.__all__:
        assert hasattr(needle, name), name
