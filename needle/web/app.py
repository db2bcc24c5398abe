"""The FastAPI application of one workspace: pages and twins, static files, login and CSRF,
and one error body for every failure."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from needle.analytics.cache import ResultCache
from needle.capture.routes import CAPTURE_PATHS, CaptureMiddleware
from needle.errors import NeedleError, UserError
from needle.web import auth
from needle.web.pages import json_response, render
from needle.web.routes import ROUTERS
from needle.web.routes.flags import is_flag_api
from needle.web.schedule import AlertSchedule, alert_minutes, check_alerts
from needle.workspace import Workspace

HERE = Path(__file__).parent
VENDOR = HERE / "node_modules"
# Front-end scripts served from the npm packages installed at set-up, never from another host.
VENDOR_FILES = {
    "vega.min.js": VENDOR / "vega" / "build" / "vega.min.js",
    "vega-lite.min.js": VENDOR / "vega-lite" / "build" / "vega-lite.min.js",
    "vega-embed.min.js": VENDOR / "vega-embed" / "build" / "vega-embed.min.js",
    "htmx.min.js": VENDOR / "htmx.org" / "dist" / "htmx.min.js",
}
OPEN_PATHS = ("/login", "/static/", "/vendor/", "/favicon.ico")
# APIs for the product's SDKs: they authenticate by the project token (checked by the API itself),
# so neither the login nor CSRF applies; matched with or without the trailing slash.
TOKEN_PATHS = frozenset(CAPTURE_PATHS)

Handler = Callable[[Request], Awaitable[Response]]


def create_app(root: Path | str, overrides: Mapping[str, Any] | None = None,
               host: str = "127.0.0.1") -> FastAPI:
    """The app serving the workspace at ``root``; off loopback every page needs the login."""
    workspace = Workspace.open(root, overrides)  # fails now, not at the first request
    capture = workspace.capture()
    alerts = AlertSchedule(partial(check_alerts, workspace.root, dict(overrides or {})),
                           alert_minutes(workspace.settings["alert_minutes"]))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with capture.lifespan(app):
            alerts.start()
            try:
                yield
            finally:
                alerts.stop()

    app = FastAPI(title="Needle", docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=lifespan)
    app.state.capture = capture
    app.state.alerts = alerts
    app.state.root = workspace.root
    app.state.overrides = dict(overrides or {})
    app.state.results = ResultCache()
    app.state.login = None if auth.is_loopback(host) else auth.login_token(workspace.state_dir)
    workspace.close()
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for router in ROUTERS:
        app.include_router(router)
    app.add_api_route("/vendor/{name}", _vendor, methods=["GET"])
    app.add_api_route("/favicon.ico", _favicon, methods=["GET"])
    app.add_api_route("/login", _login_form, methods=["GET"])
    app.add_api_route("/login", _login, methods=["POST"])
    app.middleware("http")(_guard)
    app.add_exception_handler(NeedleError, _error)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _crash)
    app.add_middleware(CaptureMiddleware, capture=capture)  # outermost: the SDKs' hot path
    return app


def _vendor(name: str) -> Response:
    path = VENDOR_FILES.get(name)
    if path is None or not path.exists():
        return json_response({"error": f"no script {name!r}", "field": None}, 404)
    return FileResponse(path, media_type="text/javascript")


def _favicon() -> Response:
    return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml")


async def _guard(request: Request, call_next: Handler) -> Response:
    """Login off loopback, CSRF on every form post, and a CSRF cookie for pages to use."""
    state = request.app.state
    path = request.url.path
    if path.rstrip("/") in TOKEN_PATHS or is_flag_api(request.method, path):
        return await call_next(request)
    if state.login and not path.startswith(OPEN_PATHS):
        given = request.cookies.get(auth.LOGIN_COOKIE) or _bearer(request)
        if not auth.same(given, state.login):
            if path.endswith(".json") or request.method != "GET":
                return json_response({"error": "log in first", "field": "token"}, 401)
            return RedirectResponse("/login", 303)
    if request.method == "POST" and path != "/login":
        await request.body()  # read whole first: the route is handed the same body again
        async with request.form() as form:  # closes any uploaded file it spooled
            given = str(form.get(auth.CSRF_FIELD) or "")
        if not auth.same(given, request.cookies.get(auth.CSRF_COOKIE)):
            return json_response({"error": "the form is stale; reload the page",
                                  "field": auth.CSRF_FIELD}, 403)
    csrf = request.cookies.get(auth.CSRF_COOKIE) or auth.new_csrf()
    request.state.csrf = csrf
    response = await call_next(request)
    if auth.CSRF_COOKIE not in request.cookies:
        response.set_cookie(auth.CSRF_COOKIE, csrf, httponly=True, samesite="strict")
    return response


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    return header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else None


def _login_form(request: Request) -> Response:
    return render(request, "login.html", {"title": "Log in", "error": None})


async def _login(request: Request) -> Response:
    form = await request.form()
    token = str(form.get("token") or "")
    if request.app.state.login and not auth.same(token, request.app.state.login):
        return render(request, "login.html", {"title": "Log in",
                                              "error": "that is not this workspace's token"}, 401)
    response = RedirectResponse("/", 303)
    response.set_cookie(auth.LOGIN_COOKIE, token, httponly=True, samesite="strict")
    return response


def _error(request: Request, exc: NeedleError) -> Response:
    """One error body: the message, and the field at fault when the library names one."""
    status = 400 if isinstance(exc, UserError) else 500
    return _answer(request, str(exc), getattr(exc, "field", None), status)


# What the routing's own refusals say, in the words of the pages.
HTTP_MESSAGES = {404: "there is no page at {path}", 405: "{path} does not take a {method}"}


def _http_error(request: Request, exc: HTTPException) -> Response:
    template = HTTP_MESSAGES.get(exc.status_code)
    message = (template.format(path=request.url.path, method=request.method) if template
               else str(exc.detail))
    response = _answer(request, message, None, exc.status_code)
    response.headers.update(exc.headers or {})
    return response


def _crash(request: Request, exc: Exception) -> Response:
    """A failure the library did not foresee: the one error body still (the traceback goes to
    the server's log)."""
    return _answer(request, "the server failed on this request; its log has the details",
                   None, 500)


def _answer(request: Request, message: str, field: str | None, status: int) -> Response:
    """The error as JSON for twins and the SDKs' APIs, else as a page."""
    body = {"error": message, "field": field}
    path = request.url.path
    if (path.endswith(".json") or path.rstrip("/") in TOKEN_PATHS
            or is_flag_api(request.method, path)):
        return json_response(body, status)
    return render(request, "error.html", {"title": "Error", **body}, status)
