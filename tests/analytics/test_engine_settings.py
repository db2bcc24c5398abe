"""The workspace's engine settings reach the DuckDB connection that runs queries."""

from needle.analytics.api import engine_for
from needle.workspace import Workspace


def test_threads_and_memory_limit_come_from_settings(workspace: Workspace) -> None:
    tuned = Workspace.open(workspace.root, {"threads": "1", "memory_limit": "1GB"})
    engine = engine_for(tuned)
    try:
        threads, memory = engine.con.execute(
            "SELECT current_setting('threads'), current_setting('memory_limit')"
        ).fetchall()[0]
    finally:
        engine.close()
    assert threads == 1
    assert memory.replace(" ", "").upper().startswith(("953.6MIB", "1.0GB", "1GB", "0.9GIB"))
