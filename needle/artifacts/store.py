"""Creating, reading and changing artifacts; every change leaves an audit entry.

Callers pass a session from ``Store.session()``: a failed check raises before commit, so a refused
change leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from needle.artifacts.kinds import KINDS
from needle.artifacts.links import Link, check_link
from needle.artifacts.listing import as_utc
from needle.artifacts.models import Artifact, ArtifactLink, AuditEntry
from needle.errors import UserError
from needle.store import find

HEADER = ("title", "status")


def now() -> datetime:
    return datetime.now(UTC)


def audit(session: Session, artifact_id: int | None, who: str, action: str,
          changes: Mapping[str, Any]) -> None:
    session.add(AuditEntry(artifact_id=artifact_id, at=now(), who=who, action=action,
                           changes=dict(changes)))


def create(session: Session, kind: str, title: str, who: str,
           fields: Mapping[str, Any] | None = None, links: Iterable[Link] = (),
           status: str | None = None) -> Artifact:
    spec = KINDS[kind]
    values = {name: None for name in spec.fields} | dict(fields or {})
    _check_names(kind, values)
    if not title.strip():
        raise UserError(f"a {kind} needs a title", field="title")
    moment = now()
    artifact = Artifact(kind=kind, title=title.strip(), status=status or spec.statuses[0],
                        author=who, created_at=moment, updated_at=moment, fields=values)
    session.add(artifact)
    session.flush()
    audit(session, artifact.id, who, "create", {"title": artifact.title, **values})
    add_links(session, artifact, links, who)
    return artifact


def get(session: Session, kind: str, artifact_id: int) -> Artifact:
    artifact = find(session, Artifact, artifact_id)
    if artifact is None or artifact.kind != kind:
        raise UserError(f"no {kind} with id {artifact_id}", field=kind, value=artifact_id,
                        hint=f"{kind}-list")
    return artifact


def list_all(session: Session, kind: str, status: str | None = None) -> list[Artifact]:
    query = select(Artifact).where(Artifact.kind == kind).order_by(Artifact.id)
    if status:
        query = query.where(Artifact.status == status)
    return list(session.scalars(query))


def update(session: Session, artifact: Artifact, changes: Mapping[str, Any], who: str,
           action: str = "edit", amending: bool = False) -> dict[str, Any]:
    """Apply ``changes`` (fields, ``title`` or ``status``); return what actually changed.

    Fields that lock on approval change only when ``amending``."""
    spec = KINDS[artifact.kind]
    _check_names(artifact.kind, {k: v for k, v in changes.items() if k not in HEADER})
    if "status" in changes and changes["status"] not in spec.statuses:
        raise UserError(f"{artifact.kind} status {changes['status']!r}: use one of "
                        f"{', '.join(spec.statuses)}", field="status", value=changes["status"])
    diff = {k: {"from": _current(artifact, k), "to": v} for k, v in changes.items()
            if _current(artifact, k) != v}
    locked = sorted(set(diff) & set(spec.locked))
    if artifact.locked_at is not None and locked and not amending:
        raise UserError(
            f"{artifact.kind} {artifact.id} is locked since "
            f"{as_utc(artifact.locked_at).date()}: {', '.join(locked)} cannot change; "
            "record the change as an amendment", field=locked[0], hint=f"{artifact.kind}-amend",
        )
    if not diff:
        return {}
    for key, change in diff.items():
        if key in HEADER:
            setattr(artifact, key, change["to"])
    artifact.fields = {**artifact.fields,
                       **{k: c["to"] for k, c in diff.items() if k not in HEADER}}
    artifact.updated_at = now()
    audit(session, artifact.id, who, action, diff)
    return diff


def add_links(session: Session, artifact: Artifact, links: Iterable[Link], who: str) -> None:
    known = {(link.kind, link.reference) for link in artifact.links}
    fresh = [link for link in dict.fromkeys(links) if (link.kind, link.reference) not in known]
    for link in fresh:
        check_link(session, link)
    for link in fresh:
        artifact.links.append(ArtifactLink(kind=link.kind, reference=link.reference,
                                           added_at=now(), added_by=who))
    if fresh:
        session.flush()
        audit(session, artifact.id, who, "link", {"added": [str(link) for link in fresh]})


def follow_theme(session: Session, old: int, successors: Iterable[int], who: str) -> None:
    """Move every citation of theme ``old`` to the themes that now hold its evidence (a merge's
    kept theme, a split's parts), so a theme edit never silently empties what an artifact
    cites; each move is in the artifact's history."""
    moved = select(ArtifactLink).where(ArtifactLink.kind == "theme",
                                       ArtifactLink.reference == str(old))
    for link in session.scalars(moved).all():
        artifact = link.artifact
        artifact.links.remove(link)
        add_links(session, artifact, [Link("theme", str(t)) for t in successors], who)
        audit(session, artifact.id, who, "unlink", {"removed": [f"theme:{old}"],
                                                    "why": "the theme was merged or split"})


def links_of(artifact: Artifact, kind: str | None = None) -> list[Link]:
    return [Link(link.kind, link.reference) for link in artifact.links
            if kind is None or link.kind == kind]


def history(session: Session, artifact: Artifact) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(
        AuditEntry.artifact_id == artifact.id).order_by(AuditEntry.id)))


def _current(artifact: Artifact, key: str) -> Any:
    return getattr(artifact, key) if key in HEADER else artifact.fields.get(key)


def _check_names(kind: str, values: Mapping[str, Any]) -> None:
    unknown = sorted(set(values) - set(KINDS[kind].fields))
    if unknown:
        raise UserError(f"a {kind} has no field {unknown[0]!r}; its fields are "
                        f"{', '.join(KINDS[kind].fields)}")
