"""Funnel attempts folded on Spark's Python workers, a whole Arrow batch at a time.

Spark partitions the matching events by person and sorts each partition by (person, time,
uuid); :func:`folder` then walks a partition's batches, folding every person whose events are
complete with :func:`needle.analytics.folds.fold` and carrying the last person of a batch into
the next, since their events may go on there. So a task holds one batch plus, at most, one
person's events, as ClickHouse's ``windowFunnel`` does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from needle.analytics.folds import MISSING, Plan, fold


def schema(plan: Plan) -> str:
    times = ", ".join(f"t{k} long" for k in range(1, plan.steps + 1))
    return f"uid string, bd string, reached int, {times}"


def _arrow_schema(plan: Plan) -> pa.Schema:
    return pa.schema([("uid", pa.string()), ("bd", pa.string()), ("reached", pa.int32()),
                      *((f"t{k}", pa.int64()) for k in range(1, plan.steps + 1))])


def folder(plan: Plan) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """The ``mapInArrow`` function of one plan."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        carried: list[pa.RecordBatch] = []
        for batch in batches:
            if not batch.num_rows:
                continue
            uid = batch.column("uid")
            last = uid[batch.num_rows - 1]
            # rows of the batch's last person: the batch is sorted, so they are its tail
            tail = batch.num_rows - pc.sum(pc.equal(uid, last)).as_py()
            if tail == 0:
                carried.append(batch)
                continue
            yield _fold(plan, pa.Table.from_batches([*carried, batch.slice(0, tail)]))
            carried = [batch.slice(tail)]
        if carried:
            yield _fold(plan, pa.Table.from_batches(carried))

    return run


def _fold(plan: Plan, events: pa.Table) -> pa.RecordBatch:
    """Fold a non-empty table holding every event of its people."""
    events = events.combine_chunks()
    uid = events.column("uid").chunk(0)
    changed = pc.not_equal(uid[1:], uid[:-1]).to_numpy(zero_copy_only=False).astype(bool)
    person = np.r_[0, np.cumsum(changed)]
    bd = pc.dictionary_encode(events.column("bd"), null_encoding="encode").combine_chunks()
    group = bd.indices.to_numpy(zero_copy_only=False).astype(np.int64)

    def flags(name: str) -> np.ndarray:
        return pc.fill_null(events.column(name), False).to_numpy()

    best = fold(plan, person, events.column("ts").to_numpy(),
                [flags(f"m{k}") for k in range(1, plan.steps + 1)],
                [flags(f"x{i}") for i in range(1, len(plan.exclusions) + 1)], group)
    heads = np.r_[0, np.flatnonzero(changed) + 1]
    columns = [uid.take(pa.array(heads[best.person])), bd.dictionary.take(pa.array(best.group)),
               pa.array(best.reached, pa.int32())]
    columns += [pa.array(t, pa.int64(), mask=t == MISSING) for t in best.times]
    return pa.RecordBatch.from_arrays(columns, schema=_arrow_schema(plan))
