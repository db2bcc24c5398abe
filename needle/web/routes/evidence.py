"""``/evidence``: each piece's text, kind, customer and date; search, filters, and a file upload
to import more.

URL parameters are the CLI's options (``kind``, ``customer``, ``from``, ``to``, ``limit``) and
``query``, the words to search for: with ``query`` the twin is what ``needle evidence search
QUERY --json`` prints for the same options, without it what ``needle evidence list --json``
prints. The upload is imported as ``needle evidence import FILE --kind KIND`` would.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import QueryParams, UploadFile

from needle.analytics.parse import parse_date
from needle.errors import UserError
from needle.evidence.models import KINDS
from needle.evidence.queries import EvidenceFilter
from needle.evidence.tabular import EvidenceMapping
from needle.web.forms import whole_number
from needle.web.pages import View, add_page, opened, render
from needle.workspace import Workspace

router = APIRouter()
LIST_LIMIT, SEARCH_LIMIT = 50, 20
UPLOADS = "uploads"
COLUMNS = ("text_col", "customer_col", "time_col")  # named as EvidenceMapping names them
FORM_FIELDS = ("kind", *COLUMNS)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _text(params: QueryParams, name: str) -> str | None:
    value = (params.get(name) or "").strip()
    return value or None


def _limit(params: QueryParams, default: int) -> int | None:
    text = _text(params, "limit")
    if text is None:
        return default
    return whole_number("limit", text) or None


def evidence_filter(params: QueryParams) -> EvidenceFilter:
    return EvidenceFilter(_text(params, "kind"), _text(params, "customer"),
                          parse_date(_text(params, "from"), "start"),
                          parse_date(_text(params, "to"), "end"))


def evidence(request: Request, workspace: Workspace) -> View:
    params = request.query_params
    words, where = _text(params, "query"), evidence_filter(params)
    if words:
        found = workspace.search_evidence(words, where, _limit(params, SEARCH_LIMIT) or 0)
    else:
        found = workspace.evidence(where, _limit(params, LIST_LIMIT))
    return View(found, {"values": params, "kinds": KINDS, "words": words, "errors": {},
                        "imported": _imported(params)})


def _imported(params: QueryParams) -> dict[str, str] | None:
    names = ("file", "read", "added", "duplicates", "rejected")
    return {n: params.get(n, "") for n in names} if params.get("added") else None


add_page(router, "/evidence", "evidence.html", "Evidence", evidence)


async def _import(request: Request) -> Response:
    """Import the uploaded file; on success show the list with what the import did."""
    async with request.form() as form:  # closes the spooled upload afterwards
        upload = form.get("file")
        given = {name: str(form.get(name) or "").strip() or None for name in FORM_FIELDS}
        with opened(request) as workspace:
            path = None
            try:
                if not isinstance(upload, UploadFile) or not upload.filename:
                    raise UserError("choose a file to import", field="file")
                path = await _save(workspace, upload)
                mapping = EvidenceMapping(
                    text_col=given["text_col"], customer_col=given["customer_col"],
                    time_col=given["time_col"])
                result = workspace.import_evidence([path], given["kind"], mapping)
            except UserError as exc:
                return _again(request, workspace, exc, given, path)
    done = {k: v for k, v in result.to_json().items()
            if k in ("read", "added", "duplicates", "rejected")}
    return RedirectResponse(f"/evidence?{urlencode({'file': path.name, **done})}", 303)


async def _save(workspace: Workspace, upload: UploadFile) -> Path:
    """The upload kept under ``.needle/uploads`` by its own name (its suffix says its format),
    in a folder named for its content: each piece's source stays the file it came from when
    another file of the same name is uploaded later."""
    content = await upload.read()
    folder = workspace.state_dir / UPLOADS / hashlib.sha256(content).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / _safe(Path(upload.filename or "upload").name)
    path.write_bytes(content)
    return path


def _safe(name: str) -> str:
    return _UNSAFE.sub("_", name).lstrip(".") or "upload"


def _again(request: Request, workspace: Workspace, error: UserError,
           given: dict[str, str | None], path: Path | None) -> Response:
    """The page again with the error in one line next to its field (the file by default)."""
    view = evidence(request, workspace)
    field = error.field if error.field in FORM_FIELDS else "file"
    text = str(error).replace(str(path), path.name) if path else str(error)
    extra: dict[str, Any] = {**view.extra, "errors": {field: " ".join(text.split())},
                             "given": given}
    return render(request, "evidence.html", {"title": "Evidence", "data": view.data, **extra},
                  400)


router.add_api_route("/evidence/import", _import, methods=["POST"], name="import evidence")
