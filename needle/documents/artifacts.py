"""The document of one artifact, in any export format."""

from __future__ import annotations

from sqlalchemy.orm import Session

from needle.analytics.engine import Engine
from needle.artifacts import views
from needle.artifacts.models import Artifact
from needle.documents import render


def markdown_for(session: Session, engine: Engine, artifact: Artifact) -> str:
    """The kind's own template, or the generic one listing the fields (a kind without a
    template of its own, such as the synthesis, still renders and exports)."""
    template = artifact.kind if render.has_template(artifact.kind) else "artifact"
    return render.markdown(template, {"a": views.detail(session, engine, artifact)})


def export(session: Session, engine: Engine, artifact: Artifact, fmt: str) -> bytes:
    title = f"{artifact.kind.capitalize()} {artifact.id}: {artifact.title}"
    return render.export(markdown_for(session, engine, artifact), fmt, title)
