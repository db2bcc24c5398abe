"""Fast paths over the columnar cache for the most common query shapes.

``eligible(query)`` says whether a query has such a shape; the results equal the SQL plans'
(the shared engine tests run every case both ways).
"""

from needle.analytics.columnar.store import Columns, open_columns

__all__ = ["Columns", "open_columns"]
