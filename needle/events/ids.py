"""Event ids derived from an event's content, for rows of a file that carry none.

A derived id is the MD5 of the event's content and of how many identical rows came before it in
the file, written as a UUID: two identical rows stay two events, and importing the file again
gives the same ids, which the lake then skips. Every row's digest is computed in the one pass
that reads the file; the count of identical rows before it (a window over the file) is needed
only when some digests repeat, which a sort of 64-bit numbers rules out for the usual file.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_CONTENT = "event, distinct_id, epoch_us(timestamp)::VARCHAR, properties::VARCHAR"

# The two hex digits of every byte value, as one 16-bit unit; where a UUID's digit groups go.
_HEX = np.frombuffer(b"".join(b"%02x" % byte for byte in range(256)), np.uint16)
_GROUPS = ((0, 8), (9, 13), (14, 18), (19, 23), (24, 36))


def digest_sql(occurrence: str = "NULL") -> str:
    """SQL of the MD5 (a UHUGEINT) of a row's content and its ``occurrence`` (NULL for the
    first of identical rows). DuckDB's ``arrow_lossless_conversion`` hands it over as its
    16 bytes."""
    return f"md5_number(concat_ws(chr(31), {_CONTENT}, {occurrence}))"


def event_ids(con: duckdb.DuckDBPyConnection, rows: pa.Table) -> pa.ChunkedArray:
    """The id of each of ``rows``: its ``given`` one, else the UUID of its ``digest``.

    ``rows`` (with ``__row``, the row's place in the file, and the event's columns) are read
    through ``con`` only when digests repeat, to count identical rows.
    """
    digests = rows["digest"].combine_chunks().storage
    if _may_repeat(digests):
        digests = _count_repeats(con, rows, digests)
    derived = uuid_text(digests)
    given = rows["given"]
    return pa.chunked_array([derived]) if given.null_count == len(given) else pc.coalesce(
        given, derived)


def distinct_hashes(con: duckdb.DuckDBPyConnection, hashes_sql: str) -> bool:
    """Whether the 64-bit hashes the query ``hashes_sql`` gives are all distinct, which proves
    the values hashed distinct (a sort of numbers, where grouping the values took seconds)."""
    hashes = np.sort(con.sql(hashes_sql).to_arrow_table().column(0))
    return not (hashes[1:] == hashes[:-1]).any()


def _may_repeat(digests: pa.FixedSizeBinaryArray) -> bool:
    """False when the digests (nulls aside) are surely distinct: their first 8 bytes are."""
    if digests.null_count == len(digests):
        return False
    first = _bytes(digests)[:, :8].copy().view(np.uint64).ravel()
    if digests.null_count:
        first = first[pc.is_valid(digests).to_numpy(zero_copy_only=False)]
    first.sort()
    return bool((first[1:] == first[:-1]).any())


def _count_repeats(con: duckdb.DuckDBPyConnection, rows: pa.Table,
                   digests: pa.FixedSizeBinaryArray) -> pa.FixedSizeBinaryArray:
    """``digests`` with each row that repeats an earlier one's content given the digest that
    counts how many came before it."""
    con.register("found", rows.append_column("__at", pa.array(np.arange(rows.num_rows))))
    again = con.sql(
        f"SELECT __at, {digest_sql('occurrence::VARCHAR')} AS digest FROM (SELECT *, "
        "row_number() OVER (PARTITION BY digest ORDER BY __row) - 1 AS occurrence FROM found "
        "WHERE digest IN (SELECT digest FROM found GROUP BY digest HAVING count(*) > 1)) "
        "WHERE occurrence > 0"
    ).to_arrow_table()
    if again.num_rows == 0:
        return digests
    data = _bytes(digests).copy()
    data[again["__at"].to_numpy()] = _bytes(again["digest"].combine_chunks().storage)
    return pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(16), len(digests), [_validity(digests), pa.py_buffer(data)],
        digests.null_count)


def _bytes(digests: pa.FixedSizeBinaryArray) -> np.ndarray:
    """The digests' bytes, one row of 16 per digest (whatever a null slot holds)."""
    data = np.frombuffer(digests.buffers()[1], np.uint8)
    return data[digests.offset * 16:(digests.offset + len(digests)) * 16].reshape(-1, 16)


def uuid_text(digests: pa.FixedSizeBinaryArray) -> pa.StringArray:
    """16-byte digests as UUID text (``8-4-4-4-12`` lower-case hex digits).

    DuckDB's ``md5()`` spends as long writing its hex text as it does hashing, and neither it
    nor Arrow writes bytes as hex, so the digits are looked up here, all rows at once.
    """
    rows = len(digests)
    if rows == 0:
        return pa.array([], pa.string())
    digits = _HEX[_bytes(digests)].view(np.uint8)  # rows x 32
    text = np.empty((rows, 36), np.uint8)
    text[:, [8, 13, 18, 23]] = ord("-")
    done = 0
    for start, end in _GROUPS:
        text[:, start:end] = digits[:, done:done + end - start]
        done += end - start
    offsets = pa.py_buffer(np.arange(0, 36 * rows + 1, 36, dtype=np.int32))
    return pa.StringArray.from_buffers(rows, offsets, pa.py_buffer(text),
                                       _validity(digests), digests.null_count)


def _validity(array: pa.Array) -> pa.Buffer | None:
    """The validity bitmap of ``array`` from its first slot (its own may start further on)."""
    return pc.is_valid(array).buffers()[1] if array.null_count else None
