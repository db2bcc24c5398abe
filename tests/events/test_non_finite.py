"""NaN and Infinity, which JSON has no word for, are stored as null and printed as valid JSON."""

import io
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest


def _strict(text: str):  # type: ignore[no-untyped-def]
    def refuse(word: str) -> None:
        raise ValueError(f"not JSON: {word}")
    return json.loads(text, parse_constant=refuse)


def _parquet() -> bytes:
    out = io.BytesIO()
    pq.write_table(pa.table({"user_id": ["u1"], "event": ["a"], "timestamp": ["2024-01-02"],
                             "x": [float("nan")], "y": [float("inf")]}), out)
    return out.getvalue()


# (file name, content, the properties stored)
CASES = [
    ("top.jsonl", '{"user_id": "u1", "event": "a", "timestamp": "2024-01-02", "x": NaN, '
     '"y": Infinity, "z": -Infinity, "s": "NaN"}\n', {"x": None, "y": None, "z": None, "s": "NaN"}),
    ("nested.jsonl", '{"distinct_id": "u1", "event": "a", "timestamp": "2024-01-02", '
     '"properties": {"p": {"q": [1, NaN, -Infinity]}, "n": 2.5}}\n',
     {"p": {"q": [1, None, None]}, "n": 2.5}),
    ("array.json", '[{"user_id": "u1", "event": "a", "timestamp": "2024-01-02", "x": NaN}]',
     {"x": None}),
    ("column.csv", 'user_id,event,timestamp,properties\nu1,a,2024-01-02,"{""x"": NaN}"\n',
     {"x": None}),
    ("typed.parquet", _parquet(), {"x": None, "y": None}),
]


@pytest.mark.parametrize(("name", "content", "stored"), CASES, ids=[c[0] for c in CASES])
def test_non_finite_numbers_are_stored_as_null(cli, write, lake_rows, name, content, stored):
    cli("events", "import", str(write(name, content)))
    (row,) = lake_rows()
    assert _strict(row["properties"]) == stored


def test_evidence_meta_is_stored_and_printed_as_valid_json(cli, write):
    cli("evidence", "import", str(write("s.jsonl", '{"text": "Slow", "score": NaN}\n')))
    (piece,) = _strict(cli("evidence", "list", "--json").stdout)
    assert piece["meta"] == {"score": None}
