"""``/themes`` and ``/themes/ID``: themes with their size, weekly trend (a sparkline), quotes,
keywords and how their reporters behave in the product; forms rename, merge and split them.

The twins are what ``needle themes --json`` (the themes as they stand) and ``needle themes show
ID --json`` print.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from needle.errors import UserError
from needle.web.charts import sparkline
from needle.web.forms import whole_number
from needle.web.pages import View, add_page, opened, render
from needle.workspace import Workspace

router = APIRouter()
BEHAVIOUR_DAYS = 30


def theme_id(request: Request) -> int:
    return whole_number("theme", str(request.path_params["theme_id"]))


def is_twin(request: Request) -> bool:
    """The twin needs only the data: what the page alone shows is not computed for it."""
    return request.url.path.endswith(".json")


def themes(request: Request, workspace: Workspace) -> View:
    found = workspace.themes().to_json()
    if is_twin(request):
        return View(found)
    return View(found, {"lines": {t["id"]: sparkline(t["trend"]["weeks"])
                                  for t in found["themes"]}})


def theme(request: Request, workspace: Workspace) -> View:
    summary = workspace.theme(theme_id(request))
    data = summary.detail_json()
    if is_twin(request):
        return View(data)
    rows = workspace.theme_behaviour(BEHAVIOUR_DAYS, only=summary.id) \
        if workspace.lake.files() else []
    others = [t for t in workspace.themes().themes if t.id != summary.id]
    return View(data, {
        "line": sparkline(data["trend"]["weeks"], 420, 120, axes=True),
        "behaviour": rows[0] if rows else None, "days": BEHAVIOUR_DAYS, "others": others,
        "errors": {}})


add_page(router, "/themes", "themes.html", "Themes", themes)
add_page(router, "/themes/{theme_id}", "theme.html", "Theme", theme)


def _edit(action: Callable[[Workspace, int, Any], str], field: str) -> Callable[..., Any]:
    """A POST handler: ``action`` edits the theme and says where to go next; a refusal shows
    the theme again with the message next to ``field`` (the form's only field)."""

    async def handler(request: Request) -> Response:
        form = await request.form()
        number = theme_id(request)
        with opened(request) as workspace:
            try:
                target = action(workspace, number, form)
            except UserError as exc:
                if exc.field == "theme" and exc.value == number:
                    raise
                view = theme(request, workspace)
                return render(request, "theme.html", {
                    "title": "Theme", "data": view.data, **view.extra,
                    "errors": {field: str(exc)}, "given": dict(form)}, 400)
        return RedirectResponse(target, 303)

    return handler


def _rename(workspace: Workspace, number: int, form: Any) -> str:
    workspace.rename_theme(number, str(form.get("label") or ""))
    return f"/themes/{number}"


def _merge(workspace: Workspace, number: int, form: Any) -> str:
    other = whole_number("theme", str(form.get("other") or ""), "other")
    workspace.merge_themes(number, other)
    return f"/themes/{number}"


def _split(workspace: Workspace, number: int, form: Any) -> str:
    parts = whole_number("parts", str(form.get("parts") or "2"))
    if parts < 2:
        raise UserError(f"parts {parts}: split into at least 2 themes", field="parts",
                        value=parts)
    children = workspace.split_theme(number, parts)
    return f"/themes/{children[0]}" if children else "/themes"


async def _build(request: Request) -> Response:
    """Build (or refresh) themes from all evidence; people's edits are kept."""
    with opened(request) as workspace:
        workspace.build_themes()
    return RedirectResponse("/themes", 303)


router.add_api_route("/themes/build", _build, methods=["POST"], name="build themes")
router.add_api_route("/themes/{theme_id}/rename", _edit(_rename, "label"), methods=["POST"],
                     name="rename a theme")
router.add_api_route("/themes/{theme_id}/merge", _edit(_merge, "other"), methods=["POST"],
                     name="merge a theme into this one")
router.add_api_route("/themes/{theme_id}/split", _edit(_split, "parts"), methods=["POST"],
                     name="split a theme")
