"""``/query/KIND``: the insight builder. The CLI's options are URL parameters named as the long
option without its ``--`` (positional events as one comma-separated ``events``); the twin is
exactly what ``needle query KIND --json`` prints for them. Without options the page is the form.

A bad option shows the form again with the library's message next to that option; "save as
insight" posts the options with a name and stores them as the CLI's ``needle insight save`` does.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import QueryParams

from needle.analytics import kinds
from needle.errors import UserError
from needle.web.charts import chart_spec
from needle.web.forms import whole_number
from needle.web.pages import View, json_response, opened, render
from needle.workspace import Workspace

router = APIRouter()
TRUE = ("1", "true", "yes", "on")
TEMPLATE = "query.html"
PAGE_PARAMS = ("saved",)  # URL parameters of the page itself, not options of the query


def queryable() -> list[kinds.Kind]:
    return [k for k in kinds.KINDS.values() if k.options]


def _value(option: kinds.Option, params: QueryParams) -> Any:
    """One option's value from the URL; ``None`` when it is not given."""
    name = option.long
    if option.multiple:  # an empty field of the form is no value
        values = [text for text in params.getlist(name) if text.strip()]
        if option.argument:
            values = [v.strip() for text in values for v in text.split(",") if v.strip()]
        return values or None
    text = params.get(name)
    if text is None or text == "":
        return None
    if option.type is bool:
        return text.lower() in TRUE
    if option.type is int:
        return whole_number(name, text, option.name)
    return text


def options_from(kind: kinds.Kind, params: QueryParams) -> dict[str, Any]:
    """The options the URL gives; a parameter that is no option is refused, as the CLI
    refuses it, rather than left out of the query unsaid."""
    names = [o.long for o in kind.options]
    unknown = [p for p in params if p not in names and p not in PAGE_PARAMS]
    if unknown:
        raise UserError(f"{kind.name} has no option {unknown[0]!r}; its options: "
                        f"{', '.join(names)}", field="option", value=unknown[0])
    found = {o.name: _value(o, params) for o in kind.options}
    return {name: value for name, value in found.items() if value is not None}


def builder_kind(request: Request) -> kinds.Kind:
    kind = kinds.get(request.path_params["kind"])
    if not kind.options:
        raise UserError(f"{kind.name} has no builder", field="kind", value=kind.name)
    return kind


def form_context(kind: kinds.Kind, params: QueryParams) -> dict[str, Any]:
    return {"kind": kind, "kinds": queryable(), "values": params, "params": str(params),
            "errors": {}}


def builder(workspace: Workspace, kind: kinds.Kind, params: QueryParams, twin: bool) -> View:
    """The twin's data (None for the page's bare form) and the builder's context."""
    given = options_from(kind, params)
    form = form_context(kind, params)
    if not given and not twin:
        return View(None, form)
    result = workspace.query(kind.parse(given))
    table = kind.table(result) if kind.table else None
    saved = params.get("saved")
    return View(result.to_json(), {**form, "spec": chart_spec(result), "result_table": table,
                                   "saved": saved,
                                   "dashboards": workspace.dashboards() if saved else []})


def field_errors(kind: kinds.Kind, error: UserError) -> dict[str, str]:
    """The message keyed by the form field it belongs next to (``""``: the form as a whole)."""
    by_name = {o.name: o.long for o in kind.options} | {"name": "name", "replace": "name"}
    return {by_name.get(error.field or "", ""): str(error)}


def _form_again(request: Request, workspace: Workspace, kind: kinds.Kind, params: QueryParams,
                error: UserError, **fields: str) -> Response:
    """The builder with ``error`` next to its field (and the result, when the options run)."""
    try:
        view = builder(workspace, kind, params, twin=False)
    except UserError:
        view = View(None, form_context(kind, params))
    return render(request, TEMPLATE, {"title": "Query", "data": view.data, **view.extra,
                                      "errors": field_errors(kind, error), **fields,
                                      "twin": None}, 400)


def _page(request: Request) -> Response:
    with opened(request) as workspace:
        kind, params = builder_kind(request), request.query_params
        try:
            view = builder(workspace, kind, params, twin=False)
        except UserError as exc:
            return _form_again(request, workspace, kind, params, exc)
        return render(request, TEMPLATE, {"title": "Query", "data": view.data,
                                          "twin": f"{request.url.path}.json", **view.extra})


def _twin(request: Request) -> Response:
    with opened(request) as workspace:
        return json_response(builder(workspace, builder_kind(request), request.query_params,
                                     twin=True).data)


async def _save(request: Request) -> Response:
    """Save the options of the page as an insight, then show the page again (303)."""
    form = await request.form()
    params = QueryParams(str(form.get("params") or ""))
    name, description = str(form.get("name") or ""), str(form.get("description") or "")
    with opened(request) as workspace:
        kind = builder_kind(request)
        try:
            spec = kind.parse(options_from(kind, params))
            workspace.save_insight(name, spec, description,
                                   replace=str(form.get("replace") or "") in TRUE)
        except UserError as exc:
            return _form_again(request, workspace, kind, params, exc, name=name,
                               description=description)
    query = urlencode([*((k, v) for k, v in params.multi_items() if k != "saved"),
                       ("saved", name.strip())], quote_via=quote)
    return RedirectResponse(f"/query/{kind.name}?{query}", 303)


router.add_api_route("/query/{kind}.json", _twin, methods=["GET"], name="/query/{kind} twin")
router.add_api_route("/query/{kind}", _page, methods=["GET"], response_class=HTMLResponse,
                     name="/query/{kind} page")
router.add_api_route("/query/{kind}/save", _save, methods=["POST"], name="save insight")
