"""A numeric property of every event of one name, in the order of the columnar cache's keys for
that name: what sum metrics add up per unit and window.

Read from the lake's JSON once per (event, property) and saved with the users and times it
belongs to (see :mod:`.derived`), so an import that extends the cache adds only the new
files' values, put in key order with the old ones. A value that is missing or not a
number counts 0, as the SQL plan's ``coalesce(sum(...), 0)`` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow.compute as pc

from needle.analytics.index import derived
from needle.analytics.index.store import Columns


def event_values(files: Sequence[Path], columns: Columns, event: str, prop: str
                 ) -> np.ndarray | None:
    """The value of ``prop`` of each event named ``event``, aligned with ``columns.keys(event)``;
    ``None`` when the cache cannot map the lake's users."""
    path = derived.saved_path(columns, "properties", [event, prop])
    saved, covered = derived.load(path, columns)
    todo = [f for f in files if str(f) not in covered]
    if saved is None or todo:
        read = derived.read_events(
            todo, columns, [event],
            (f"{derived.property_number_sql(prop)} AS value", []))
        if read is None:
            return None
        uid, us = read.pairs(event)
        arrays = {"uid": uid, "us": us,
                  "value": read.ordered(pc.fill_null(read.table["value"], 0.0).to_numpy())[event]}
        if saved is not None:  # the rows read are in key order; with the saved ones, sorted
            arrays = {name: np.concatenate([saved[name], arrays[name]]) for name in arrays}
            order = np.argsort(columns.key(arrays["uid"], arrays["us"]), kind="stable")
            arrays = {name: array[order] for name, array in arrays.items()}
        saved = arrays
        derived.save(path, saved, columns)
    values = saved["value"]
    return values if len(values) == len(columns.keys(event)) else None
