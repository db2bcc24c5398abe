"""A quote never closed is a bad row naming its line, for every import of delimited text."""

from __future__ import annotations

from pathlib import Path

import pytest

from needle.errors import InputError
from needle.io.tables import ReadOptions, read_table

EVENTS = "user_id,event,timestamp\nu,signup,2024-01-01T00:00:00Z\n"

# (content, line of the open quote or None, values of the last column read)
CASES = [
    ('text\n"unterminated\n', "line 2", []),
    ('text\n"unterminated', "line 2", []),
    ('text\nfine\n"a ""quote""\r\n\r\n', "line 3", ["fine"]),
    ('text\nfine\n"line\n""\n', "line 3", ["fine"]),
    (EVENTS + 'u,view,"2024-01-02T00:00:00Z\n', "line 3", ["2024-01-01T00:00:00Z"]),
    ('text\n"closed\n"\n', None, ["closed\n"]),
    ('text\n"closed\r\n"', None, ["closed\r\n"]),
    ('text\n"a ""quote""\n\n"\n\n', None, ['a "quote"\n\n']),
    ('text\nsay "hi\n', None, ['say "hi']),
]


@pytest.mark.parametrize(("content", "where", "kept"), CASES)
def test_open_quote_is_a_bad_row(tmp_path: Path, content: str, where: str | None,
                                 kept: list[str]) -> None:
    path = tmp_path / "rows.csv"
    path.write_bytes(content.encode())
    if where is not None:
        with pytest.raises(InputError, match=rf"rows.csv: {where}: a quoted value is never "
                                             r"closed$"):
            read_table(path, ReadOptions())
    raw = read_table(path, ReadOptions(skip_bad=True))
    assert raw.table.column(raw.table.num_columns - 1).to_pylist() == kept
    assert [r.location for r in raw.rejected] == ([where] if where else [])
