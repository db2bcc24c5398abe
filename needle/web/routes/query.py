"""``/query/KIND``: the insight builder. The CLI's options are URL parameters named as the long
option without its ``--`` (positional events as one comma-separated ``events``); the twin is
exactly what ``needle query KIND --json`` prints for them. Without options the page is the form.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import QueryParams

from needle.analytics import kinds
from needle.errors import UserError
from needle.web.charts import chart_spec
from needle.web.pages import View, add_page
from needle.workspace import Workspace

router = APIRouter()
TRUE = ("1", "true", "yes", "on")


def queryable() -> list[kinds.Kind]:
    return [k for k in kinds.KINDS.values() if k.options]


def _value(option: kinds.Option, params: QueryParams) -> Any:
    """One option's value from the URL; ``None`` when it is not given."""
    name = option.long
    if option.multiple:
        values = params.getlist(name)
        if option.argument:
            values = [v.strip() for text in values for v in text.split(",") if v.strip()]
        return values or None
    text = params.get(name)
    if text is None or text == "":
        return None
    if option.type is bool:
        return text.lower() in TRUE
    if option.type is int:
        try:
            return int(text)
        except ValueError:
            raise UserError(f"{name} {text!r}: write a whole number", field=option.name,
                            value=text) from None
    return text


def options_from(kind: kinds.Kind, params: QueryParams) -> dict[str, Any]:
    found = {o.name: _value(o, params) for o in kind.options}
    return {name: value for name, value in found.items() if value is not None}


def query_page(request: Request, workspace: Workspace) -> View:
    kind = kinds.get(request.path_params["kind"])
    if not kind.options:
        raise UserError(f"{kind.name} has no builder", field="kind", value=kind.name)
    given = options_from(kind, request.query_params)
    form = {"kind": kind, "kinds": queryable(), "values": request.query_params}
    if not given and not request.url.path.endswith(".json"):
        return View(None, form)
    result = workspace.query(kind.parse(given))
    table = kind.table(result) if kind.table else None
    return View(result.to_json(), {**form, "spec": chart_spec(result), "result_table": table})


add_page(router, "/query/{kind}", "query.html", "Query", query_page)
