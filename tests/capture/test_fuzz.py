"""Fuzzing the decoders: whatever arrives, the answer is a refusal with a reason or events the
compactor can store; never a 500."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lzstring
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from needle.capture.compactor import events_table
from needle.capture.decode import FORM, Raw, decode
from needle.capture.errors import CaptureRefused
from needle.capture.events import read_request
from needle.web import create_app

TOKEN = "phc_fuzz"
NOW_US = 1_772_366_400_000_000
LIMIT = 64 * 1024

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
fields = st.fixed_dictionaries({}, optional={
    "event": values | st.sampled_from(["signup", "$pageview", ""]),
    "distinct_id": values, "$distinct_id": values, "uuid": values | st.uuids().map(str),
    "timestamp": values | st.datetimes().map(lambda d: d.isoformat()), "offset": values,
    "properties": values | st.dictionaries(st.text(max_size=8), values, max_size=4),
    "token": st.just(TOKEN) | values, "$set": values, "$set_once": values})
payloads = fields | st.lists(fields, max_size=4) | st.fixed_dictionaries(
    {"batch": st.lists(fields, max_size=4) | values},
    optional={"api_key": st.just(TOKEN) | values, "sent_at": values}) | values


def encodings(payload: Any) -> st.SearchStrategy[Raw]:
    text = json.dumps(payload)
    return st.sampled_from([
        Raw(text.encode()),
        Raw(gzip.compress(text.encode())),
        Raw(base64.b64encode(text.encode())),
        Raw(str(lzstring.LZString.compressToBase64(text)).encode(), {"compression": "lz64"}),
        Raw(b"data=" + base64.b64encode(text.encode()), content_type=FORM),
        Raw(b"", {"data": text, "_": "1772366400000"}),
    ])


raws = payloads.flatmap(encodings) | st.builds(
    Raw, st.binary(max_size=200),
    st.dictionaries(st.sampled_from(["data", "compression", "_"]),
                    st.text(max_size=30) | st.sampled_from(["gzip", "lz64", "base64"]), max_size=3),
    st.sampled_from(["", FORM, "application/json"]), st.sampled_from(["", "gzip"]))


def _store(raw: Raw, path: str) -> None:
    """What the server does with a request, short of the network and the disk."""
    captured = read_request(decode(raw, LIMIT), path, NOW_US, raw.query.get("_"))
    events_table([json.dumps(captured.rows).encode()])  # what the compactor will do


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=raws, path=st.sampled_from(["/e/", "/batch/", "/engage/"]))
def test_decoders_refuse_with_a_reason_or_store(raw: Raw, path: str) -> None:
    try:
        _store(raw, path)
    except CaptureRefused as exc:
        assert str(exc)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from needle.workspace import Workspace

    root: Path = tmp_path_factory.mktemp("fuzz") / "ws"
    Workspace.init(root).close()
    (root / ".needle" / "project-token").write_text(TOKEN + "\n")
    with TestClient(create_app(root)) as client:
        yield client


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(raw=raws, path=st.sampled_from(["/e/", "/batch", "/i/v0/e/", "/engage"]))
def test_the_server_never_answers_500(client: TestClient, raw: Raw, path: str) -> None:
    headers = {k: v for k, v in (("content-type", raw.content_type),
                                 ("content-encoding", raw.content_encoding)) if v}
    answer = client.post(path, content=raw.body, params=raw.query, headers=headers)
    assert answer.status_code in (200, 400, 401, 413), answer.text
