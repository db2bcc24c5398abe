"""The document of one artifact, in any export format."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from needle.artifacts import views
from needle.artifacts.models import Artifact
from needle.documents import render


def markdown_for(session: Session, files: list[Path], artifact: Artifact) -> str:
    return render.markdown(artifact.kind, {"a": views.detail(session, files, artifact)})


def export(session: Session, files: list[Path], artifact: Artifact, fmt: str) -> bytes:
    title = f"{artifact.kind.capitalize()} {artifact.id}: {artifact.title}"
    return render.export(markdown_for(session, files, artifact), fmt, title)
