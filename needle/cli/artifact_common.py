"""Commands every artifact kind shares: show, list, export, history, edit.

Each command imports the library it uses when it runs, since a group's module loads for any of
its commands: ``list`` reads through SQLAlchemy Core alone, without the ORM or the engine."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from needle.cli.context import open_workspace
from needle.cli.output import JsonFlag, print_json, print_table, visible
from needle.cli.shapes import Fields, json_shape
from needle.errors import UserError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from needle.analytics.engine import Engine
    from needle.workspace import Workspace

Id = Annotated[int, typer.Argument(help="Artifact id (see the list command).")]
Links = Annotated[list[str] | None, typer.Option(
    "--link", help="Data behind it, KIND:REF, e.g. evidence:12 or insight:NAME (repeatable).")]

# The JSON of artifacts (views.detail and friends); docs/decision-loop.md says what fields hold.
SUMMARY: dict[str, Fields] = {
    "id": "int", "kind": "str", "title": "str", "status": "str", "author": "str",
    "created_at": "datetime", "updated_at": "datetime", "locked_at": "datetime|null"}
FIELDS = "object: the kind's own fields (docs/decision-loop.md)"
HISTORY: dict[str, Fields] = {
    "at": "datetime", "who": "str", "action": "str: create, link, edit, respond, amend or ship",
    "changes": "object: for an edit, FIELD: {from, to}"}
REACH: dict[str, Fields] = {
    "total": "int: distinct people", "customers": "int: customers in the evidence",
    "data_users": "int: users the linked usage data counts", "sources": ["str"],
    "sql": "str: counts them again from the lake"}
STRENGTH: dict[str, Fields] = {
    "pieces": "int", "kinds": "int", "customers": "int", "score": "float: 0 to 1",
    "rice_confidence": "float", "ice_confidence": "int"}
SCORE: dict[str, Fields] = {
    "bet": "int", "title": "str", "problem": "int|null", "method": "str: rice, ice or weighted",
    "value": "float", "why": "str", "inputs": "object: the numbers used"}
GOAL_STATUS: dict[str, Fields] = {
    "goal": "int", "title": "str", "metric": "str", "baseline": "float|null",
    "current": "float|null", "target": "float", "due": "date",
    "progress": "float|null: share of the way from baseline to target",
    "verdict": "str: met, missed, in progress or no data", "sql": "str"}
_EVIDENCE: dict[str, Fields] = {
    "id": "int", "kind": "str", "customer": "str|null", "created_at": "date|null", "text": "str",
    "source": "str"}
_PROBLEM: dict[str, Fields] = {
    "reach": REACH, "strength": STRENGTH, "evidence": [_EVIDENCE], "evidence_count": "int",
    "usage": ["str: KIND:REF of linked usage data"]}
CHECK: dict[str, Fields] = {
    "severity": "str: error or warning", "code": "str", "field": "str", "message": "str"}
_PROPOSAL: dict[str, Fields] = {
    "problem": SUMMARY | _PROBLEM | {"statement": "str|null"}, "metric_label": "str|null",
    "baseline_text": "str|null", "target_text": "str|null", "checks": [CHECK]}
DETAIL_EXTRAS: dict[str, dict[str, Fields]] = {
    "problem": _PROBLEM,
    "bet": {"score": SCORE, "problem": SUMMARY},
    "proposal": _PROPOSAL,
    "ship": {"proposal": SUMMARY | {"fields": FIELDS}, "problem": _PROPOSAL["problem"],
             "metric_label": "str", "outcome": "str", "before_text": "str", "after_text": "str",
             "feedback": [_EVIDENCE], "checks": [CHECK]},
    "goal": {"metric_label": "str", "status_now": (GOAL_STATUS, "null"), "baseline_text": "str",
             "target_text": "str", "current_text": "str"},
    "decision": {"informed_by": "str", "decided_on": "date"},
}


def detail(kind: str) -> dict[str, Fields]:
    """The shape of ``KIND show --json``."""
    return SUMMARY | {"fields": FIELDS, "links": ["str: KIND:REF"],
                      "history": [HISTORY]} | DETAIL_EXTRAS.get(kind, {})



@contextmanager
def opened(ctx: typer.Context) -> Iterator[tuple[Workspace, Session, Engine]]:
    """The workspace, a session that commits on success, and the engine over its events."""
    workspace = open_workspace(ctx)
    try:
        with workspace.store.session() as session:
            yield workspace, session, workspace.engine
    finally:
        workspace.close()


@contextmanager
def stored(ctx: typer.Context) -> Iterator[Session]:
    """A session of the workspace's store that commits on success; for reads that need no
    event data, so the engine and the lake stay closed."""
    workspace = open_workspace(ctx)
    try:
        with workspace.store.session() as session:
            yield session
    finally:
        workspace.close()


COLUMNS = ("id", "title", "status", "author", "updated")


def add_common(app: typer.Typer, kind: str) -> None:
    """Register show, list, export, history and edit-in-$EDITOR for ``kind``."""

    @app.command("show")
    @json_shape(f"The {kind} with its fields, links, history and what is derived from them.",
                detail(kind))
    def show(ctx: typer.Context, artifact_id: Id, json_: JsonFlag = False) -> None:
        """Print the artifact as Markdown (or its full JSON, with the data behind it)."""
        from needle.artifacts import store, views

        with opened(ctx) as (_, session, engine):
            artifact = store.get(session, kind, artifact_id)
            if json_:
                print_json(views.detail(session, engine, artifact))
            else:
                from needle.documents.artifacts import markdown_for

                typer.echo(visible(markdown_for(session, engine, artifact)))

    @app.command("list")
    @json_shape(f"Every {kind} (of the status asked for), oldest first.",
                [SUMMARY | {"fields": FIELDS}])
    def list_(ctx: typer.Context,
              status: Annotated[str | None, typer.Option(help="Only this status.")] = None,
              json_: JsonFlag = False) -> None:
        """List them, oldest first."""
        with open_workspace(ctx) as workspace:
            found = workspace.artifacts(kind, status)
        if json_:
            print_json(found)
        else:
            print_table(COLUMNS, [[a["id"], a["title"], a["status"], a["author"],
                                   a["updated_at"][:10]] for a in found])

    @app.command("export")
    def export(ctx: typer.Context, artifact_id: Id,
               fmt: Annotated[str | None, typer.Option(
                   "--format", "-f", help="md, html or pdf (default: the --out file's suffix, "
                                          "else md).")] = None,
               out: Annotated[Path | None, typer.Option(
                   "--out", "-o", help="File to write (default: KIND-ID.FORMAT).")] = None,
               ) -> None:
        """Write the artifact as Markdown, HTML or PDF (renders of the same Markdown)."""
        from needle.artifacts import store
        from needle.documents.artifacts import export as export_document
        from needle.documents.render import export_format

        chosen = export_format(out, fmt)
        with opened(ctx) as (_, session, engine):
            data = export_document(session, engine, store.get(session, kind, artifact_id),
                                   chosen)
        target = out or Path(f"{kind}-{artifact_id}.{chosen}")
        write_file(target, data)
        typer.echo(f"wrote {target}")

    @app.command("history")
    @json_shape(f"The {kind}'s audit trail, oldest first.", [HISTORY])
    def history(ctx: typer.Context, artifact_id: Id, json_: JsonFlag = False) -> None:
        """The audit trail: who changed what, when."""
        from needle.artifacts import store, views

        with stored(ctx) as session:
            entries = views.history(session, store.get(session, kind, artifact_id))
        if json_:
            print_json(entries)
        else:
            print_table(["at", "who", "action", "what"],
                        [[e["at"][:19], e["who"], e["action"], ", ".join(e["changes"])]
                         for e in entries])


def write_file(path: Path, data: bytes) -> None:
    """Write a document; a missing folder or a full or read-only disk is one line."""
    from needle.io.files import disk_reason

    try:
        path.write_bytes(data)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {disk_reason(exc)}") from None


def edit(ctx: typer.Context, kind: str, artifact_id: int, changes: dict[str, Any]) -> None:
    """Apply flag changes, or open the artifact's Markdown in $EDITOR when no flag is given."""
    from needle.artifacts import edits, store

    with opened(ctx) as (workspace, session, engine):
        artifact = store.get(session, kind, artifact_id)
        if not any(v is not None for v in changes.values()):
            text = run_editor(edits.editor_text(artifact))
            if text is None:
                typer.echo("no changes")
                return
            changes = edits.parse_editor_text(artifact, text)
        changed = edits.apply(session, engine, artifact, changes, workspace.author)
    typer.echo(f"{kind} {artifact_id}: " + (f"changed {', '.join(changed)}" if changed
                                             else "no changes"))


def run_editor(text: str) -> str | None:
    """Open ``text`` in $VISUAL or $EDITOR as git does (through the shell); None if unchanged.

    Hand-written because the click that typer vendors, with its ``edit``, is private."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "artifact.md"
        path.write_text(text, encoding="utf-8")
        status = subprocess.run(f'{editor} "{path}"', shell=True, check=False).returncode
        if status != 0:
            raise UserError(f"the editor ({editor}) exited with status {status}; nothing changed")
        edited = path.read_text(encoding="utf-8")
    return None if edited == text else edited
