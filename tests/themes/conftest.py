"""Themes fixtures: one loaded model per session, BANKING77 train texts, themed workspaces."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from needle.evidence.store import EvidenceRecord, add_evidence
from needle.themes.embed import load_model
from needle.workspace import Workspace
from tests.conftest import SHARED

TRAIN = SHARED / "data" / "banking77" / "banking_data" / "train.csv"
# Eight intents a person would tell apart at a glance; tests only ever read train.csv.
INTENTS = ("age_limit", "apple_pay_or_google_pay", "lost_or_stolen_card", "terminate_account",
           "change_pin", "exchange_rate", "edit_personal_details", "country_support")
PER_INTENT = 30
START = datetime(2026, 3, 2, tzinfo=UTC)
# A name ending with one of these is a fragment ("CSV export button does", "Admins can").
AUXILIARIES = {"do", "does", "did", "is", "are", "was", "were", "be", "been", "has", "have",
               "had", "can", "could", "will", "would", "should", "may", "might", "must"}
PRONOUNS = {"i", "i'm", "me", "it", "we", "you", "they"}  # a clause, not a name


def fragment(name: str) -> str | None:
    """Why ``name`` does not read as a theme's name (None when it does)."""
    words = [w.strip(".,!?;:'\"()").lower() for w in name.split()]
    if not 2 <= len(words) <= 6 or len(name) > 60:
        return "length"
    if words[-1] in ENGLISH_STOP_WORDS or words[-1] in AUXILIARIES:
        return f"ends with {words[-1]!r}"
    if PRONOUNS.intersection(words):
        return "holds a pronoun"
    return None


@pytest.fixture(scope="session")
def model() -> Any:
    return load_model()


@pytest.fixture(scope="session")
def train() -> pd.DataFrame:
    return pd.read_csv(TRAIN)


@pytest.fixture(scope="session")
def sample(train: pd.DataFrame) -> pd.DataFrame:
    """PER_INTENT texts of each of INTENTS, in a fixed shuffled order."""
    picked = train[train.category.isin(INTENTS)].groupby("category").head(PER_INTENT)
    return picked.sample(frac=1.0, random_state=0).reset_index(drop=True)


def add_texts(workspace: Workspace, texts: list[str], first: int = 0) -> None:
    """Store texts as tickets from 40 customers, one every 6 hours from START."""
    records = [
        EvidenceRecord("ticket", text, "train.csv", customer=f"user{(first + i) % 40}",
                       created_at=START + timedelta(hours=6 * (first + i)),
                       source_id=str(first + i))
        for i, text in enumerate(texts)
    ]
    with workspace.store.session() as session:
        add_evidence(session, records)


@pytest.fixture(scope="session")
def themed_root(
    tmp_path_factory: pytest.TempPathFactory, sample: pd.DataFrame, model: Any
) -> Path:
    """A workspace holding the sample, themed once; copy it before writing to it."""
    workspace = Workspace.init(tmp_path_factory.mktemp("themed") / "ws")
    add_texts(workspace, list(sample.text))
    workspace.build_themes()
    workspace.close()
    return workspace.root


@pytest.fixture
def themed(themed_root: Path, tmp_path: Path) -> Iterator[Workspace]:
    """A private copy of the themed workspace, free to edit."""
    root = tmp_path / "ws"
    shutil.copytree(themed_root, root)
    workspace = Workspace.open(root)
    yield workspace
    workspace.close()
