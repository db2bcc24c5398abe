"""A second demo, from another seed, so the review's findings are not one draw's luck."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from needle.workspace import Workspace

SECOND_SEED = 11


@pytest.fixture(scope="session")
def second_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    from needle.demo import build
    from needle.demo.truth import TEST_USERS

    ws = build(tmp_path_factory.mktemp("demo") / "ws", seed=SECOND_SEED, users=TEST_USERS)
    yield ws
    ws.close()


@pytest.fixture(scope="session", params=["seed 7", f"seed {SECOND_SEED}"])
def demo(request: pytest.FixtureRequest) -> Workspace:
    """Each demo in turn: the suite's own (seed 7) and the second one."""
    name = "demo_workspace" if request.param == "seed 7" else "second_demo"
    return request.getfixturevalue(name)
