"""Whatever the bytes, reading a file for an import ends in a result or in one line naming the
problem (a ``NeedleError``), never in a traceback."""

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from needle.errors import NeedleError
from needle.events.mapping import EventMapping
from needle.events.normalise import to_events
from needle.evidence.tabular import EvidenceMapping, read_rows
from needle.io.tables import ReadOptions, read_table

FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
HEADERS = ["", "user_id,event,timestamp\n", "user_id;event;timestamp;text\n",
           "distinct_id\tevent\ttime\tproperties\n", "text,created_at,id\n", "a,b\n",
           ",event,,timestamp\n", "text,TEXT\n"]
CSV_TEXT = st.text(alphabet=st.sampled_from(list(',;|\t"\'\n\r {}[]:.-+0123456789aeNTZé\x00\\')),
                   max_size=400)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["user_id", "event", "timestamp", "text", "properties",
                                       "x", "X", ""]), children, max_size=5),
    max_leaves=20)


def _read_everything(name: str, data: bytes, options: ReadOptions) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        for read in (_as_events, _as_evidence):
            try:
                read(path, options)
            except NeedleError as exc:
                assert "\n" not in str(exc), str(exc)


def _as_events(path: Path, options: ReadOptions) -> None:
    found = to_events(read_table(path, options), EventMapping(), "UTC", options.skip_bad)
    assert found.events.num_rows >= 0


def _as_evidence(path: Path, options: ReadOptions) -> None:
    read_rows(path, "ticket", EvidenceMapping(), options, "UTC")


OPTIONS = st.builds(ReadOptions, format=st.sampled_from([None, "csv", "json"]),
                    delimiter=st.sampled_from([None, None, ",", "whitespace"]),
                    skip_bad=st.booleans())
NAMES = st.sampled_from(["f.csv", "f.jsonl", "f.json", "f.txt", "f", "f.csv.gz", "f.xlsx"])


@FUZZ
@given(name=NAMES, data=st.binary(max_size=600), options=OPTIONS)
def test_arbitrary_bytes(name: str, data: bytes, options: ReadOptions) -> None:
    _read_everything(name, data, options)


@FUZZ
@given(header=st.sampled_from(HEADERS), body=CSV_TEXT, options=OPTIONS)
def test_delimited_text(header: str, body: str, options: ReadOptions) -> None:
    _read_everything("f.csv", (header + body).encode("utf-8"), options)


@FUZZ
@given(values=st.lists(JSON_VALUES, max_size=6), cut=st.integers(0, 50),
       array=st.booleans(), skip_bad=st.booleans())
def test_json_values(values: list, cut: int, array: bool, skip_bad: bool) -> None:
    text = json.dumps(values) if array else "\n".join(json.dumps(v) for v in values)
    text = text[: len(text) - cut] if cut < len(text) else text
    _read_everything("f.jsonl", text.encode("utf-8"), ReadOptions(skip_bad=skip_bad))
