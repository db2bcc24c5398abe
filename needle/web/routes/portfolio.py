"""``/portfolio``, ``/resume`` and ``/conversation``.

``/portfolio``: the outcomes a portfolio build would show (resume bullets, the shipped and
the failed, and every number as a claim with the query that gives it again); a form builds the
site and its PDF, which are then served from ``/portfolio/site/``.

The twin is what ``needle portfolio build --json`` prints, computed without writing anything.
``/resume`` and ``/conversation`` list the versions written (twin: ``resume list --json``,
``conversation list --json``) with the newest in full, and a form writes a new one.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from needle.errors import UserError
from needle.web.pages import View, add_page, opened
from needle.workspace import Workspace

router = APIRouter()
SITE_FILE = re.compile(r"^[\w.-]+\.(html|pdf|json)$")


def portfolio(request: Request, workspace: Workspace) -> View:
    book = workspace.portfolio()
    built = (book.out / "index.html").is_file()
    return View(book.to_json(), {"built": built, "shipped": bool(workspace.artifacts("ship")),
                                 "problems": bool(workspace.artifacts("problem"))})


add_page(router, "/portfolio", "portfolio.html", "Portfolio", portfolio)


def _build(request: Request) -> Response:
    with opened(request) as workspace:
        workspace.build_portfolio()
    return RedirectResponse("/portfolio", 303)


def _site(request: Request, name: str) -> Response:
    """A file of the built site (the default folder, as the page's build writes it)."""
    with opened(request) as workspace:
        folder = workspace.root / "portfolio"
    path = folder / name
    if not SITE_FILE.match(name) or not path.is_file():
        raise UserError(f"the portfolio has no file {name!r}; build it first", field="name",
                        value=name)
    return FileResponse(path)


router.add_api_route("/portfolio/build", _build, methods=["POST"], name="build the portfolio")
router.add_api_route("/portfolio/site/{name}", _site, methods=["GET"], name="portfolio file")


def _documents(kind: str) -> Any:
    """The page of the resume or the conversation plan: every version, newest shown in full
    (the twin is ``KIND list --json``); a form writes a new version from the current data."""

    def page(request: Request, workspace: Workspace) -> View:
        versions = workspace.artifacts(kind)
        latest = workspace.artifact(kind, versions[-1]["id"]) if versions else None
        return View(versions, {"kind": kind, "latest": latest,
                               "shipped": bool(workspace.artifacts("ship"))})

    return page


def _write(kind: str) -> Any:
    async def write(request: Request) -> Response:
        form = await request.form()
        with opened(request) as workspace:
            if kind == "resume":
                workspace.write_resume()
            else:
                workspace.write_conversation(str(form.get("manager") or "") or None,
                                             str(form.get("ask") or "") or None)
        return RedirectResponse(f"/{kind}", 303)

    return write


for _kind, _title in (("resume", "Resume"), ("conversation", "Manager conversation")):
    add_page(router, f"/{_kind}", "positioning.html", _title, _documents(_kind))
    router.add_api_route(f"/{_kind}/write", _write(_kind), methods=["POST"],
                         name=f"write the {_kind}")
