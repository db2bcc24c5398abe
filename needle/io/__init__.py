"""Reading the files users import, shared by event and evidence imports.

``files`` opens a file (gzip, UTF-8) and records bad rows; ``tables`` reads CSV, JSON and Parquet
into Arrow; ``columns`` finds a role's column; ``times`` and ``normalise`` turn raw columns into
typed values with DuckDB SQL; ``frames`` reads a small table whole for pandas.
"""
