"""Reading the files users import, shared by event and evidence imports.

``files`` opens a file (gzip, UTF-8) and records bad rows; ``tables`` picks the reader by name or
content: ``delimited`` (CSV and the like, delimiter guessed), ``jsontables`` (JSON Lines and
arrays), ``excel`` (.xlsx sheets) and Parquet, each into an Arrow ``raw.RawTable``; ``columns``
finds a role's column; ``times`` and ``normalise`` turn raw columns into typed values with DuckDB
SQL; ``frames`` reads a small table whole for pandas.
"""
