"""``/dashboards`` and ``/dashboards/ID``: saved insights in a grid, each drawn as its chart with
its data table one click away; forms create a dashboard and add, remove and reorder insights.

The twins are what ``needle dashboard list --json`` and ``needle dashboard show ID --json``
print. Every form posts (with the CSRF token) and redirects to the page it changed; a refusal
shows that page again with the message next to the field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from needle.analytics import kinds
from needle.errors import UserError
from needle.web.charts import chart_spec
from needle.web.forms import whole_number
from needle.web.pages import View, add_page, opened, render
from needle.workspace import Workspace

router = APIRouter()
TILE_WIDTH = 380


def dashboard_id(text: str) -> int:
    try:
        return whole_number("dashboard", text)
    except UserError:
        raise UserError(f"no dashboard with id {text!r}", field="dashboard", value=text) from None


def dashboards(request: Request, workspace: Workspace) -> View:
    found = [d.to_json() for d in workspace.dashboards()]
    return View(found, {} if request.url.path.endswith(".json")
                else {"insights": workspace.insights()})


def dashboard(request: Request, workspace: Workspace) -> View:
    run = workspace.run_dashboard(dashboard_id(request.path_params["dashboard_id"]))
    if request.url.path.endswith(".json"):
        return View(run.to_json())
    tiles = []
    for tile in run.tiles:
        kind = kinds.get(tile.insight.kind)
        result = tile.result
        tiles.append({"insight": tile.insight, "error": tile.error,
                      "spec": chart_spec(result, TILE_WIDTH) if result is not None else None,
                      "table": kind.table(result) if result is not None and kind.table
                      else None})
    shown = {i.name for i in run.dashboard.insights}
    others = [i for i in workspace.insights() if i.name not in shown]
    return View(run.to_json(), {"dashboard": run.dashboard, "tiles": tiles, "others": others,
                                "errors": {}})


add_page(router, "/dashboards", "dashboards.html", "Dashboards", dashboards)
add_page(router, "/dashboards/{dashboard_id}", "dashboard.html", "Dashboard", dashboard)


def _again(request: Request, workspace: Workspace, page: Callable[[Request, Workspace], View],
           template: str, title: str, error: UserError, **fields: Any) -> Response:
    """The page again, status 400, with the error next to its field."""
    view = page(request, workspace)
    field = error.field if error.field in ("name", "insight", "position") else ""
    return render(request, template, {"title": title, "data": view.data, **view.extra,
                                      "errors": {field: str(error)}, **fields}, 400)


async def _create(request: Request) -> Response:
    form = await request.form()
    name, description = str(form.get("name") or ""), str(form.get("description") or "")
    with opened(request) as workspace:
        try:
            made = workspace.create_dashboard(name, description)
        except UserError as exc:
            return _again(request, workspace, dashboards, "dashboards.html", "Dashboards", exc,
                          name=name, description=description)
    return RedirectResponse(f"/dashboards/{made.id}", 303)


def _change(action: Callable[[Workspace, int, str, Any], object]) -> Callable[..., Any]:
    """A POST handler applying ``action(workspace, id, insight, form)`` to the dashboard."""

    async def handler(request: Request) -> Response:
        form = await request.form()
        number = dashboard_id(str(request.path_params.get("dashboard_id")
                                  or form.get("dashboard") or ""))
        request.scope["path_params"] = {"dashboard_id": str(number)}
        with opened(request) as workspace:
            try:
                action(workspace, number, str(form.get("insight") or ""), form)
            except UserError as exc:
                if exc.field == "dashboard":
                    raise
                return _again(request, workspace, dashboard, "dashboard.html", "Dashboard", exc)
        return RedirectResponse(f"/dashboards/{number}", 303)

    return handler


def _position(form: Any) -> int:
    return whole_number("position", str(form.get("position") or ""))


router.add_api_route("/dashboards", _create, methods=["POST"], name="create dashboard")
router.add_api_route("/dashboards/add", _change(
    lambda ws, d, insight, form: ws.add_to_dashboard(d, insight)), methods=["POST"],
    name="add an insight to a chosen dashboard")
router.add_api_route("/dashboards/{dashboard_id}/add", _change(
    lambda ws, d, insight, form: ws.add_to_dashboard(d, insight)), methods=["POST"],
    name="add an insight")
router.add_api_route("/dashboards/{dashboard_id}/remove", _change(
    lambda ws, d, insight, form: ws.remove_from_dashboard(d, insight)), methods=["POST"],
    name="remove an insight")
router.add_api_route("/dashboards/{dashboard_id}/move", _change(
    lambda ws, d, insight, form: ws.move_on_dashboard(d, insight, _position(form))),
    methods=["POST"], name="move an insight")
