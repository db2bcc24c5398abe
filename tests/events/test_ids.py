"""Derived event ids are the MD5 of each event's content, checked against Python's hashlib."""

import hashlib
import uuid
from collections import defaultdict

import duckdb
import pyarrow as pa
import pytest

from needle.events.ids import uuid_text

CDNOW = "data/cdnow-purchases/CDNOW_master.txt"


def _md5_uuid(*parts: str) -> str:
    return str(uuid.UUID(bytes=hashlib.md5("\x1f".join(parts).encode()).digest()))


def test_ids_of_a_real_file_are_md5s_of_content_and_count_identical_rows(cli, workspace,
                                                                          shared) -> None:
    cli("events", "import", str(shared / CDNOW), "--delimiter", "whitespace",
        "--event", "purchase")
    files = [str(p) for p in workspace.lake.files()]
    rows = duckdb.sql(
        "SELECT uuid, event, distinct_id, epoch_us(timestamp)::VARCHAR AS us, properties "
        f"FROM read_parquet({files!r})").fetchall()
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for id_, *content in rows:
        groups[tuple(content)].append(id_)
    assert sum(len(ids) - 1 for ids in groups.values()) == 255  # identical purchases
    for content, ids in groups.items():
        # the first of identical rows hashes its content; the k-th after it appends k
        expected = [_md5_uuid(*content)] + [_md5_uuid(*content, str(k))
                                             for k in range(1, len(ids))]
        assert sorted(ids) == sorted(expected)


@pytest.mark.parametrize("offset", [0, 3])
def test_uuid_text_writes_digests_as_uuids(offset: int) -> None:
    digests = [hashlib.md5(str(i).encode()).digest() for i in range(10)]
    array = pa.array([*digests[:6], None, *digests[7:]], pa.binary(16)).slice(offset)
    expected = [None if d is None else str(uuid.UUID(bytes=d))
                for d in [*digests[:6], None, *digests[7:]][offset:]]
    assert uuid_text(array).to_pylist() == expected


def test_identical_rows_after_skipped_bad_rows_count_among_themselves(cli, write,
                                                                       workspace) -> None:
    path = write("e.csv", "user_id,event,timestamp\n,a,2024-01-01T00:00:00Z\nu1,a,nope\n"
                          "u1,a,2024-01-01T00:00:00Z\nu2,b,2024-01-02T00:00:00Z\n"
                          "u1,a,2024-01-01T00:00:00Z\nu1,a,2024-01-01T00:00:00Z\n")
    cli("events", "import", str(path), "--skip-bad")
    files = [str(p) for p in workspace.lake.files()]
    ids = dict(duckdb.sql(f"SELECT uuid, distinct_id FROM read_parquet({files!r})").fetchall())
    content = ("a", "u1", "1704067200000000", "{}")
    assert ids == {_md5_uuid(*content): "u1", _md5_uuid(*content, "1"): "u1",
                   _md5_uuid(*content, "2"): "u1",
                   _md5_uuid("b", "u2", "1704153600000000", "{}"): "u2"}
