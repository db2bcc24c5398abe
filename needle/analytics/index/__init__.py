"""The event index: per event name, the (user, time) pairs sorted by user then time, as
memory-mapped arrays, with every person's whole event sequence (:mod:`.sequence`) and each
event's place in the lake, plus feature-flag exposures and arrays derived from the lake's JSON
(experiment exposures, numeric property values, the hot properties queries filter and break
down on) or from the index itself (each person's active days), saved beside it.

It sits below the engines and has no engine of its own: :func:`open_columns` builds it on first
use (or extends the previous one after an import) and :class:`Columns` hands out the arrays a
query needs; :func:`is_built` says whether opening will need a pass over the lake.
"""

from needle.analytics.index.store import Columns, is_built, open_columns

__all__ = ["Columns", "is_built", "open_columns"]
