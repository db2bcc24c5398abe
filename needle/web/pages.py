"""Pages with JSON twins: one function gives a page's data; ``/path`` renders it with a template
and ``/path.json`` returns it as JSON (the home page's twin is ``/.json``), datasette's habit.

The data of a twin is what the CLI's ``--json`` prints for the same question.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.convertors import IntegerConvertor, register_url_convertor

from needle.jsontext import dumps
from needle.web.formats import FILTERS
from needle.workspace import Workspace


class IdConvertor(IntegerConvertor):
    """``{name:id}``: a stored id in a path. The store's ids fit 64 bits, so a longer number
    is a page that does not exist rather than a lookup that overflows."""

    regex = "[0-9]{1,18}"


register_url_convertor("id", IdConvertor())

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
TEMPLATES.env.filters.update(FILTERS)
TEMPLATES.env.filters["tojson_text"] = dumps


@dataclass(frozen=True)
class View:
    """What a page function returns: the twin's ``data`` and anything only the page shows."""

    data: Any
    extra: dict[str, Any] = field(default_factory=dict)


PageFunction = Callable[[Request, Workspace], View]


def json_response(data: Any, status: int = 200) -> Response:
    return Response(dumps(data), status_code=status, media_type="application/json")


def twin_path(path: str) -> str:
    return "/.json" if path == "/" else f"{path}.json"


@contextmanager
def opened(request: Request) -> Iterator[Workspace]:
    """The served workspace, opened for one request and closed after it."""
    state = request.app.state
    workspace = Workspace.open(state.root, state.overrides, state.results)
    try:
        yield workspace
    finally:
        workspace.close()


def render(request: Request, template: str, context: dict[str, Any],
           status: int = 200) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status)


def add_page(router: APIRouter, path: str, template: str, title: str,
             function: PageFunction) -> None:
    """Route ``path`` (HTML) and its twin (JSON) to ``function``."""

    def page(request: Request) -> Response:
        with opened(request) as workspace:
            view = function(request, workspace)
            return render(request, template, {"title": title, "data": view.data,
                                              "twin": twin_path(request.url.path), **view.extra})

    def twin(request: Request) -> Response:
        with opened(request) as workspace:
            return json_response(function(request, workspace).data)

    # the twin first: a string path parameter would otherwise swallow the ``.json``
    router.add_api_route(twin_path(path), twin, methods=["GET"], name=f"{path} twin")
    router.add_api_route(path, page, methods=["GET"], response_class=HTMLResponse,
                         name=f"{path} page")
