"""Building the demo: full-scale size, determinism, the command, and refusing to clobber folders."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import duckdb
import numpy as np
from typer.testing import CliRunner

from needle.cli.main import app
from needle.demo import build, demo_info, evidence_themes
from needle.demo.build import BUILDING, generate
from needle.demo.plan import plan_evidence
from needle.demo.truth import DEFAULT_USERS, MIN_DAYS, THEMES
from needle.workspace import STATE_DIR, Workspace

SMALL = ("--users", "1000", "--days", str(MIN_DAYS))


def test_full_size_meets_the_promised_scale() -> None:
    demo = generate()  # the default build, generated in memory without writing the lake
    assert len(demo.events) >= 2_000_000
    assert len(set(demo.events.user.tolist())) == DEFAULT_USERS >= 50_000
    assert len(demo.evidence) >= 1_000
    assert len({r.text for r in demo.evidence}) > 0.9 * len(demo.evidence)
    themes = evidence_themes()
    assert len(set(themes.values())) - 1 == len(THEMES) >= 8
    assert sorted(themes) == sorted(r.source_id for r in demo.evidence)


def test_same_seed_same_demo_other_seed_other_demo() -> None:
    assert plan_evidence(7, 5000, 90) == plan_evidence(7, 5000, 90)
    assert plan_evidence(7, 5000, 90) != plan_evidence(8, 5000, 90)
    one, two, other = (generate(seed, 1000, MIN_DAYS) for seed in (7, 7, 8))
    for field in ("user", "code", "time", "extra", "session"):
        assert np.array_equal(getattr(one.events, field), getattr(two.events, field))
    assert one.evidence == two.evidence
    assert len(other.events) != len(one.events) or not np.array_equal(one.events.time,
                                                                       other.events.time)


def _digest(root: Path) -> tuple:
    files = [str(p) for p in Workspace.open(root).lake.files()]
    return duckdb.connect().sql(
        "SELECT count(*), sum(hash(uuid, event, distinct_id, timestamp, properties)) "
        f"FROM read_parquet({files!r})").fetchall()[0]


def test_command_builds_then_shows_the_existing_demo(tmp_path: Path) -> None:
    runner, folder = CliRunner(), tmp_path / "demo"
    first = runner.invoke(app, ["demo", str(folder), *SMALL, "--json"])
    assert first.exit_code == 0, first.output
    look = json.loads(first.stdout)
    info = demo_info(folder)
    assert info is not None and look["built"] is True
    assert look["events"] == info.events == len(generate(7, 1000, MIN_DAYS).events)
    assert look["users"] == 1000
    assert sum(look["evidence"].values()) == info.evidence
    assert look["top_events"][0]["event"] == "page_viewed"
    again = runner.invoke(app, ["demo", str(folder), "--json"])
    assert again.exit_code == 0 and "already holds" in again.stderr
    assert again.stderr.count("\n") == 1
    assert json.loads(again.stdout) == {**look, "built": False}
    before = _digest(folder)
    rebuilt = runner.invoke(app, ["demo", str(folder), *SMALL, "--seed", "8", "--force", "--json"])
    assert rebuilt.exit_code == 0 and json.loads(rebuilt.stdout)["built"] is True
    assert _digest(folder) != before
    assert demo_info(folder) == replace(info, seed=8, events=_digest(folder)[0])


def test_refuses_a_folder_that_is_not_a_demo(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(app, ["demo", str(tmp_path), *SMALL])
    assert result.exit_code == 1
    assert "is not empty" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_refuses_too_small_a_demo(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", str(tmp_path / "d"), "--users", "10"])
    assert result.exit_code == 1 and "users 10: use at least" in result.stderr
    assert "(see --users)" in result.stderr
    assert not (tmp_path / "d").exists()


def test_an_interrupted_build_is_redone(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    Workspace.init(folder).close()
    (folder / STATE_DIR / BUILDING).touch()  # what a build killed half-way leaves behind
    stages: list[str] = []
    workspace = build(folder, users=1000, days=MIN_DAYS,
                      progress=lambda stage, done, total: stages.append(stage))
    info = demo_info(folder)
    assert info is not None and info.events == workspace.lake.row_count() > 0
    assert not (folder / STATE_DIR / BUILDING).exists()
    assert {"generate", "events", "evidence"} <= set(stages)
