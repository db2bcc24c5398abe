"""``needle export --to DIR``: the event lake and its manifest, copied where a cluster reads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from needle.cli import output
from needle.cli.context import open_workspace
from needle.cli.output import JsonFlag, print_json
from needle.cli.shapes import json_shape


@json_shape("What was copied.", {"to": "str: the folder", "files": "int: Parquet files",
                                 "rows": "int: events", "bytes": "int: bytes copied"})
def export(
    ctx: typer.Context,
    to: Annotated[Path, typer.Option("--to", help="An empty or new folder (a local disk, or a "
                                     "mounted HDFS or object store) for the copy.")],
    json_: JsonFlag = False,
) -> None:
    """Copy the event lake and its manifest to a folder a Spark cluster reads."""
    with open_workspace(ctx) as workspace:
        done = workspace.export_lake(to)
    if json_:
        print_json(done.to_json())
        return
    output.console.print(f"Exported {done.rows:,} events in {done.files} files "
                         f"({done.bytes:,} bytes) to {done.to}; read them with --setting "
                         f"engine=spark --setting lake_path={done.to}")
