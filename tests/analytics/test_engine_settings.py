"""The workspace's engine settings reach the DuckDB connection that runs queries."""

from needle.workspace import Workspace


def test_threads_and_memory_limit_come_from_settings(workspace: Workspace) -> None:
    with Workspace.open(workspace.root, {"threads": "1", "memory_limit": "1GB"}) as tuned:
        threads, memory = tuned.engine.con.execute(  # type: ignore[attr-defined]
            "SELECT current_setting('threads'), current_setting('memory_limit')"
        ).fetchall()[0]
    assert threads == 1
    assert memory.replace(" ", "").upper().startswith(("953.6MIB", "1.0GB", "1GB", "0.9GIB"))
