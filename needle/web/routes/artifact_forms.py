"""Forms that create and edit the artifacts of the decision loop through the library: a problem
citing evidence picked from a search, a bet, a proposal (and its response or amendment), a
decision (and its outcome), a goal, a ship post and a teardown.

``GET /PATH/new`` and ``GET /PATH/ID/edit`` show a form; posting it (with the CSRF token) calls
the same library function as the CLI and redirects to the artifact (303). A refusal shows the
form again, status 400, with the library's message next to the field it names and nothing
stored. The problem form's search button posts too, to keep what was typed, and stores nothing.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from needle.artifacts.kinds import KINDS
from needle.artifacts.links import LINK_KINDS
from needle.artifacts.proposals import RESPONSES
from needle.artifacts.scoring import METHODS
from needle.errors import UserError
from needle.web.forms import Field, Form
from needle.web.pages import TEMPLATES, IdConvertor, opened, render
from needle.web.routes.artifacts import AREAS, detail
from needle.workspace import Workspace

router = APIRouter()
SEARCH_LIMIT = 20
RECENT = 20
LINKS_HELP = "One KIND:REF a line, e.g. evidence:12, insight:NAME or theme:4."
# A link's kind names what it points at; the form has one field for all of them.
LINK_ALIASES = {kind: "link" for kind in LINK_KINDS}


def _title() -> Field:
    return Field("title", "Title")


def _status(kind: str) -> Field:
    return Field("status", "Status", choices=KINDS[kind].statuses)


METRIC_HELP = ("e.g. conversion:signup>onboarding_completed@2d, median_days:A>B, "
               "per_user:EVENT or insight:NAME")
_BET = (
    Field("description", "Description", "textarea"),
    Field("method", "Scoring method", choices=METHODS, default="rice"),
    Field("impact", "Impact", "number", "RICE: 0.25, 0.5, 1, 2 or 3; ICE: 1-10."),
    Field("effort", "Effort", "number", "RICE: person-weeks."),
    Field("ease", "Ease", "number", "ICE: 1-10."),
    Field("reach", "Reach", "number", "Override the computed reach (needs a reason)."),
    Field("reach_reason", "Reason for the reach"),
    Field("confidence", "Confidence", "number",
          "Override the evidence-based confidence (needs a reason)."),
    Field("confidence_reason", "Reason for the confidence"),
    Field("criteria", "Criteria", "criteria",
          "Weighted scoring: one NAME=WEIGHT:SCORE a line, e.g. revenue=3:8."),
)
_PROPOSAL = (
    Field("solution", "Solution", "textarea"),
    Field("scope", "Scope"),
    Field("metric", "Success metric", help=METRIC_HELP),
    Field("target", "Target", "number", "A rate as 0.6 for 60%."),
    Field("decision_rule", "Decision rule", help="What result makes you ship or stop, in a "
                                                 "sentence."),
    Field("timeline", "Timeline", "lines", "One milestone a line, e.g. 2026-08-01: beta."),
)
_GOAL = (
    Field("metric", "Metric", help=METRIC_HELP),
    Field("target", "Target", "number", "A rate as 0.6 for 60%."),
    Field("due", "Due", "date", "YYYY-MM-DD."),
    Field("notes", "Notes", "textarea"),
)
_SHIP = (
    Field("what", "What shipped"),
    Field("hypothesis", "Hypothesis"),
    Field("learned", "What we learned", "textarea"),
    Field("next_steps", "What we do next"),
)
_TEARDOWN = (
    Field("competitor", "Competitor", help="Who shipped it."),
    Field("shipped", "What they shipped"),
    Field("why", "Why they shipped it"),
    Field("differently", "What we would do differently", "textarea"),
    Field("sources", "Sources", "lines", "Where this comes from: a URL or a note a line."),
)

NEW: dict[str, Form] = {
    "problem": Form("New problem", (
        Field("evidence", "Evidence cited", "evidence"), _title(),
        Field("statement", "Statement", "textarea", "The problem, in users' terms."),
        Field("affected", "Who is affected"),
        Field("link", "Other data behind it", "lines", LINKS_HELP)),
        LINK_ALIASES | {"evidence": "evidence"}),
    "bet": Form("New bet", (
        _title(), Field("problem", "Problem", "artifact",
                        required="choose the problem this bet addresses"), *_BET)),
    "proposal": Form("New proposal", (
        _title(), Field("problem", "Problem", "artifact",
                        required="choose the problem the proposal solves"),
        Field("bet", "Bet", "artifact", "The bet it carries out, if any."), *_PROPOSAL,
        Field("as_of", "Baseline as of", "date",
              "Measure the baseline as it stood on this day (default: now).")),
        {"insight": "metric"}),
    "decision": Form("Log a decision", (
        _title(), Field("decided_by", "Decided by", help="Default: you."),
        Field("decided_on", "Decided on", "date", "Default: today."),
        Field("importance", "Importance", "whole", "1 (minor) to 5 (major).",
              choices=("1", "2", "3", "4", "5"), default="3"),
        Field("alternative", "Alternative considered"),
        Field("rationale", "Rationale", "textarea"),
        Field("link", "Data that informed it", "lines", LINKS_HELP)), LINK_ALIASES),
    "goal": Form("New goal", (_title(), *_GOAL), {"insight": "metric"}),
    "ship": Form("New ship post", (
        _title(), Field("proposal", "Proposal", "artifact",
                        required="choose the approved proposal that shipped"),
        Field("shipped_on", "Launch day", "date", "YYYY-MM-DD."),
        Field("weeks", "Weeks", "whole", "Weeks on each side of the launch.", default="4"),
        Field("experiment", "Experiment", "select", "The experiment that tested it, if any."),
        *_SHIP,
        Field("evidence", "Post-launch feedback", "ids", "Evidence ids, e.g. 12, 15."))),
    "teardown": Form("New teardown", (_title(), *_TEARDOWN)),
}
EDIT: dict[str, Form] = {
    "problem": Form("Edit problem", (
        _title(), _status("problem"), Field("statement", "Statement", "textarea"),
        Field("affected", "Who is affected"))),
    "bet": Form("Edit bet", (_title(), _status("bet"), *_BET)),
    "proposal": Form("Edit proposal", (_title(), *_PROPOSAL), {"insight": "metric"}),
    "decision": Form("Edit decision", (
        _title(), Field("decided_by", "Decided by"),
        Field("alternative", "Alternative considered"),
        Field("rationale", "Rationale", "textarea"))),
    "goal": Form("Edit goal", (_title(), _status("goal"), *_GOAL), {"insight": "metric"}),
    "ship": Form("Edit ship post", (_title(), *_SHIP)),
    "teardown": Form("Edit teardown", (_title(), _status("teardown"), *_TEARDOWN)),
}
# Forms on an artifact's own page: (kind, action) -> form.
ACTIONS: dict[tuple[str, str], Form] = {
    ("problem", "link"): Form("Cite more evidence or data", (
        Field("evidence", "Evidence", "ids", "Evidence ids, e.g. 12, 15."),
        Field("link", "Other data", "lines", LINKS_HELP)),
        LINK_ALIASES | {"evidence": "evidence"}),
    ("proposal", "respond"): Form("Record the response", (
        Field("response", "Response", choices=RESPONSES),
        Field("by", "Responded by", required="say who responded"),
        Field("why", "Their reason", required="give their reason"))),
    ("proposal", "amend"): Form("Amend a locked field", (
        Field("field", "Field", choices=("metric", "target", "decision_rule")),
        Field("value", "New value"),
        Field("reason", "Why it changes after approval")), {"metric": "value"}),
    ("decision", "outcome"): Form("Record the outcome", (
        Field("outcome", "What came of it", "textarea", required="say what came of it"),)),
}

TEMPLATES.env.globals.update(actions=ACTIONS)


def _rest(values: dict[str, Any], *taken: str) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k not in ("title", *taken)}


# kind -> how the form's values become the library call that creates it (as the CLI's does).
CREATE: dict[str, Callable[[Workspace, dict[str, Any]], dict[str, Any]]] = {
    "problem": lambda ws, v: ws.create_problem(v["title"] or "", _rest(v, "evidence", "link"),
                                               v["evidence"], v["link"]),
    "bet": lambda ws, v: ws.create_bet(v["title"] or "", _rest(v)),
    "proposal": lambda ws, v: ws.create_proposal(v["title"] or "", _rest(v, "as_of"),
                                                 v["as_of"]),
    "decision": lambda ws, v: ws.log_decision(v["title"] or "", _rest(v, "link"), v["link"]),
    "goal": lambda ws, v: ws.create_goal(v["title"] or "", _rest(v)),
    "ship": lambda ws, v: ws.publish_ship(v["title"] or "", _rest(v, "evidence", "experiment"),
                                          v["evidence"], v["experiment"]),
    "teardown": lambda ws, v: ws.create_teardown(v["title"] or "", _rest(v)),
}


def _artifact_choices(kind: str, status: str | None = None
                      ) -> Callable[[Workspace], list[tuple[str, str]]]:
    return lambda ws: [(str(a["id"]), f"{a['id']}: {a['title']}")
                       for a in ws.artifacts(kind, status)]


# A select's choices that come from the workspace, by field name.
CHOICES: dict[str, Callable[[Workspace], list[tuple[str, str]]]] = {
    "problem": _artifact_choices("problem"), "bet": _artifact_choices("bet"),
    "proposal": _artifact_choices("proposal", "approved"),
    "experiment": lambda ws: [(e.name, e.name) for e in ws.experiments()],
}


def choices(workspace: Workspace, form: Form) -> dict[str, list[tuple[str, str]]]:
    return {f.name: [(c, c) for c in f.choices] if f.choices else CHOICES[f.name](workspace)
            for f in form.fields if f.choices or f.input in ("select", "artifact")}


def _picker(workspace: Workspace, query: str, picked: list[int]) -> dict[str, Any]:
    """The evidence a problem form offers: the pieces picked, and search results (or the
    first pieces stored when nothing was searched for)."""
    found = (workspace.search_evidence(query, limit=SEARCH_LIMIT) if query.strip()
             else workspace.evidence(limit=RECENT))
    return {"q": query, "picked": workspace.evidence_pieces(picked),
            "found": [e for e in found if e["id"] not in picked], "searched": bool(query.strip())}


def _form_page(request: Request, workspace: Workspace, kind: str, form: Form, action: str,
               values: dict[str, Any], errors: dict[str, str], status: int = 200,
               artifact: dict[str, Any] | None = None) -> HTMLResponse:
    context = {"title": form.title if artifact is None
               else f"{form.title} {artifact['id']}: {artifact['title']}",
               "area": AREAS[kind], "form": form, "action": action, "values": values,
               "errors": errors, "choices": choices(workspace, form), "artifact": artifact,
               "picker": None, "twin": None}
    if any(f.input == "evidence" for f in form.fields):
        try:
            context["picker"] = _picker(workspace, str(values.get("q") or ""),
                                        _picked(values.get("evidence")))
        except UserError as exc:  # the words to search for: shown next to the search box
            context["picker"] = _picker(workspace, "", _picked(values.get("evidence")))
            errors["q"] = str(exc)
    return render(request, "artifact_form.html", context, status)


def _picked(given: Any) -> list[int]:
    """The ids among the picks as posted (the form reports a bad one; the picker skips it)."""
    return [int(v) for v in given or [] if re.fullmatch(IdConvertor.regex, str(v).strip())]


def _new_page(kind: str) -> Callable[[Request], Response]:
    form = NEW[kind]

    def page(request: Request) -> Response:
        params = request.query_params
        values = {f.name: params.getlist(f.name) if f.input == "evidence"
                  else params.get(f.name, f.default) for f in form.fields}
        with opened(request) as workspace:
            return _form_page(request, workspace, kind, form, f"{AREAS[kind].path}/new",
                              values | {"q": params.get("q", "")}, {})

    return page


Handler = Callable[[Request, Any], Response]


def _posted(handle: Handler) -> Callable[[Request], Awaitable[Response]]:
    """A POST route: the form is read, then ``handle(request, form)`` runs in a worker thread
    (as FastAPI runs a plain page function), so the library's blocking work holds up no other
    request."""

    async def post(request: Request) -> Response:
        form = await request.form()
        return await run_in_threadpool(handle, request, form)

    return post


def _create(kind: str) -> Handler:
    form, area = NEW[kind], AREAS[kind]

    def post(request: Request, posted: Any) -> Response:
        texts = form.texts(posted) | {"q": str(posted.get("q") or "")}
        with opened(request) as workspace:
            if posted.get("do") == "search":
                return _form_page(request, workspace, kind, form, f"{area.path}/new", texts, {})
            try:
                made = CREATE[kind](workspace, form.read(posted))
            except UserError as exc:
                return _form_page(request, workspace, kind, form, f"{area.path}/new", texts,
                                  form.place(exc), 400)
        return RedirectResponse(area.href(made["id"]), 303)

    return post


def _current(workspace: Workspace, kind: str, artifact_id: int) -> dict[str, Any]:
    found = workspace.artifact(kind, artifact_id)
    return found | {"values": {"title": found["title"], "status": found["status"],
                               **found["fields"]}}


def _edit_page(kind: str) -> Callable[[Request], Response]:
    form = EDIT[kind]

    def page(request: Request) -> Response:
        artifact_id = request.path_params["artifact_id"]
        with opened(request) as workspace:
            found = _current(workspace, kind, artifact_id)
            return _form_page(request, workspace, kind, form,
                              f"{AREAS[kind].href(artifact_id)}/edit",
                              form.shown(found["values"]), {}, artifact=found)

    return page


def _edit(kind: str) -> Handler:
    form, area = EDIT[kind], AREAS[kind]

    def post(request: Request, posted: Any) -> Response:
        artifact_id = request.path_params["artifact_id"]
        with opened(request) as workspace:
            found = _current(workspace, kind, artifact_id)
            try:
                changes = form.changes(form.read(posted), found["values"])
                workspace.edit_artifact(kind, artifact_id, changes)
            except UserError as exc:
                return _form_page(request, workspace, kind, form,
                                  f"{area.href(artifact_id)}/edit", form.texts(posted),
                                  form.place(exc), 400, found)
        return RedirectResponse(area.href(artifact_id), 303)

    return post


# (kind, action) -> what the action does with the form's values.
DO: dict[tuple[str, str], Callable[[Workspace, int, dict[str, Any]], object]] = {
    ("problem", "link"): lambda ws, i, v: ws.link_artifact(
        "problem", i, [*(f"evidence:{e}" for e in v["evidence"]), *v["link"]]),
    ("proposal", "respond"): lambda ws, i, v: ws.respond_to_proposal(
        i, v["response"] or "", v["by"], v["why"]),
    ("proposal", "amend"): lambda ws, i, v: ws.amend_proposal(
        i, v["field"] or "", v["value"] or "", v["reason"] or ""),
    ("decision", "outcome"): lambda ws, i, v: ws.edit_artifact(
        "decision", i, {"outcome": v["outcome"], "status": "reviewed"}),
}


def _act(kind: str, action: str) -> Handler:
    form, area = ACTIONS[(kind, action)], AREAS[kind]

    def post(request: Request, posted: Any) -> Response:
        artifact_id = request.path_params["artifact_id"]
        with opened(request) as workspace:
            workspace.artifact(kind, artifact_id)  # no such artifact: the one error page
            try:
                DO[(kind, action)](workspace, artifact_id, form.read(posted))
            except UserError as exc:
                view = detail(kind)(request, workspace)
                return render(request, f"{kind}.html", {
                    "data": view.data, "twin": None, **view.extra,
                    "errors": {f"{action}.{k}": v for k, v in form.place(exc).items()},
                    "values": {f"{action}.{k}": v for k, v in form.texts(posted).items()}},
                    400)
        return RedirectResponse(area.href(artifact_id), 303)

    return post


for _kind, _area in AREAS.items():
    _one = f"{_area.path}/{{artifact_id:id}}"
    router.add_api_route(f"{_area.path}/new", _new_page(_kind), methods=["GET"],
                         response_class=HTMLResponse, name=f"new {_kind} form")
    router.add_api_route(f"{_area.path}/new", _posted(_create(_kind)), methods=["POST"],
                         name=f"create a {_kind}")
    router.add_api_route(f"{_one}/edit", _edit_page(_kind), methods=["GET"],
                         response_class=HTMLResponse, name=f"edit {_kind} form")
    router.add_api_route(f"{_one}/edit", _posted(_edit(_kind)), methods=["POST"],
                         name=f"edit a {_kind}")
for (_kind, _action) in ACTIONS:
    router.add_api_route(f"{AREAS[_kind].path}/{{artifact_id:id}}/{_action}",
                         _posted(_act(_kind, _action)), methods=["POST"],
                         name=f"{_action} a {_kind}")
