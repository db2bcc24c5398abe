"""Feature flags on the web: the ``/flags`` page (twin ``/flags.json``, what ``needle flag list
--json`` prints) and the flags API of PostHog's SDKs: POST ``/flags``, ``/flags/`` and
``/decide/`` (with or without the slash), authenticated by the project token only.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from needle.capture.decode import Raw
from needle.capture.errors import CaptureRefused, NoToken
from needle.capture.flag_api import (
    FlagSource,
    Served,
    answer,
    check_token,
    read_request,
    version_of,
)
from needle.web.pages import View, add_page, json_response
from needle.workspace import Workspace

router = APIRouter()
CALLED = ("SELECT json_extract_string(properties, '$.\"$feature_flag\"') AS flag, count(*) AS "
          "calls, count(DISTINCT distinct_id) AS people FROM events "
          "WHERE event = '$feature_flag_called' GROUP BY 1")


def is_flag_api(method: str, path: str) -> bool:
    """Whether a request is for the SDKs' flags API (token only: no login, no CSRF); a GET of
    ``/flags`` is the page."""
    return path.rstrip("/") == "/decide" or path == "/flags/" or \
        (path == "/flags" and method != "GET")


def flags(request: Request, workspace: Workspace) -> View:
    data = [flag.to_json() for flag in workspace.flags()]
    called = workspace.sql(CALLED).to_json()["rows"] if data and workspace.lake.files() else []
    usage = {row[0]: {"calls": row[1], "people": row[2]} for row in called}
    return View(data, {"usage": usage, "token": workspace.project_token,
                       "host": str(request.base_url).rstrip("/")})


add_page(router, "/flags", "flags.html", "Feature flags", flags)


async def flags_api(request: Request) -> Response:
    return await _api(request, "flags")


async def decide_api(request: Request) -> Response:
    return await _api(request, "decide")


for _path in ("/flags", "/flags/"):
    router.add_api_route(_path, flags_api, methods=["POST", "OPTIONS"] if _path == "/flags"
                         else ["GET", "POST", "OPTIONS"], name=f"{_path} api")
for _path in ("/decide", "/decide/"):
    router.add_api_route(_path, decide_api, methods=["GET", "POST", "OPTIONS"],
                         name=f"{_path} api")


async def _api(request: Request, endpoint: str) -> Response:
    """PostHog's answer, or its errors: 400 for an unreadable request, 401 for a missing or
    unknown token; CORS for the browser SDK."""
    if request.method == "OPTIONS":
        return _cors(request, Response(status_code=200))
    raw = Raw(await request.body(), dict(request.query_params),
              request.headers.get("content-type", ""),
              request.headers.get("content-encoding", ""))
    try:
        body = await run_in_threadpool(_evaluate, request, raw, endpoint)
    except CaptureRefused as exc:
        status = 401 if isinstance(exc, NoToken) else 400
        field = "api_key" if isinstance(exc, NoToken) else None
        return _cors(request, json_response(
            {"error": str(exc), "field": field, "detail": str(exc)}, status))
    return _cors(request, json_response(body))


def _evaluate(request: Request, raw: Raw, endpoint: str) -> dict[str, object]:
    asked = read_request(raw)
    served = _source(request).current()
    check_token(asked, served.token)
    return answer(served, asked, endpoint, version_of(raw.query.get("v")))


def _source(request: Request) -> FlagSource:
    """The app's flags, read from the store at most once a second through a workspace kept
    open for the app's life (a read is one query, not a workspace opened again)."""
    state = request.app.state
    if getattr(state, "flag_source", None) is None:
        workspace = Workspace.open(state.root, state.overrides)

        def load() -> Served:
            return Served(workspace.project_token, tuple(workspace.flags(active_only=True)))

        state.flag_source = FlagSource(load)
    source: FlagSource = state.flag_source
    return source


def _cors(request: Request, response: Response) -> Response:
    """Any site's pages may ask (the token, not the origin, says whose flags they are)."""
    origin = request.headers.get("origin")
    response.headers["access-control-allow-origin"] = origin or "*"
    response.headers["access-control-allow-methods"] = "GET, POST, OPTIONS"
    response.headers["access-control-allow-headers"] = \
        request.headers.get("access-control-request-headers") or "content-type"
    response.headers["vary"] = "origin"
    if origin:
        response.headers["access-control-allow-credentials"] = "true"
    return response
