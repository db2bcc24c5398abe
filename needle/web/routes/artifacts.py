"""The artifacts of the decision loop, each kind a list and a page per artifact: ``/problems``,
``/bets`` (the ranking, with why each bet scored as it did), ``/proposals``, ``/goals`` (each
goal's progress), ``/ships``, ``/journal`` (a week's decisions) and ``/teardowns``.

The twins are what the CLI's ``--json`` prints: ``problem list``, ``bet rank [--problem ID]``,
``proposal list``, ``goal status``, ``ship list``, ``journal [--on DAY]`` and ``teardown list``
(each with ``--status`` where the command has it), and ``KIND show ID`` for ``/PATH/ID``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request

from needle.artifacts import journal
from needle.artifacts.kinds import KINDS
from needle.artifacts.metrics import parse_metric
from needle.web.formats import pvalue, when
from needle.web.forms import whole_number
from needle.web.pages import TEMPLATES, View, add_page
from needle.workspace import Workspace

router = APIRouter()


@dataclass(frozen=True)
class Area:
    """Where a kind of artifact lives in the web app, and what its pages are called."""

    kind: str
    path: str
    many: str  # the list page's title
    one: str  # one of them, as a page names it

    def href(self, artifact_id: int | str) -> str:
        return f"{self.path}/{artifact_id}"


AREAS: dict[str, Area] = {a.kind: a for a in (
    Area("problem", "/problems", "Problems", "Problem"),
    Area("bet", "/bets", "Bets", "Bet"),
    Area("proposal", "/proposals", "Proposals", "Proposal"),
    Area("decision", "/journal", "Decision journal", "Decision"),
    Area("goal", "/goals", "Goals", "Goal"),
    Area("ship", "/ships", "Ship posts", "Ship post"),
    Area("teardown", "/teardowns", "Teardowns", "Teardown"),
)}


def stamp(value: Any) -> str:
    """A stored moment (ISO text, UTC) to the second; midnight as the day alone."""
    if isinstance(value, str) and "T" in value:
        try:
            shown = when(datetime.fromisoformat(value))
        except ValueError:
            return value
        return shown if len(shown) == len("YYYY-MM-DD") else f"{shown} UTC"
    return when(value)


def value_text(value: Any) -> str:
    """A stored field's value in a line of text (an audit entry's from and to)."""
    if value is None:
        return "(none)"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {value_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(value_text(v) for v in value)
    return stamp(value) if isinstance(value, str) else str(value)


def link_href(text: str) -> str | None:
    """Where a link KIND:REF opens in the web app, when it has a page."""
    kind, _, reference = text.partition(":")
    if kind in AREAS:
        return AREAS[kind].href(reference)
    if kind == "experiment":
        return f"/experiments/{reference}"
    if kind == "theme":
        return f"/themes/{reference}"
    return None


def p_is(value: float | None) -> str:
    """``p = 0.112`` or ``p < 0.001``: a p-value to three significant digits, in a sentence."""
    shown = pvalue(value)
    return f"p {shown}" if shown.startswith("<") else f"p = {shown}"


def metric_text(spec: str | None, value: float | None) -> str:
    """A value of a metric as the metric reads (a rate as a percentage, days as days)."""
    return "" if not spec else parse_metric(spec).format(value)


TEMPLATES.env.filters.update(stamp=stamp, link_href=link_href, metric_text=metric_text,
                             value_text=value_text, p_is=p_is,
                             pairs=lambda values: [(v, v) for v in values])
TEMPLATES.env.globals.update(areas=AREAS)


def _whole(request: Request, name: str) -> int | None:
    text = request.query_params.get(name) or ""
    return whole_number(name, text) if text else None


def listing(kind: str) -> Any:
    """The page function of a plain list: ``KIND list [--status S] --json``."""
    area = AREAS[kind]

    def page(request: Request, workspace: Workspace) -> View:
        status = request.query_params.get("status") or None
        return View(workspace.artifacts(kind, status),
                    {"area": area, "status": status, "statuses": KINDS[kind].statuses,
                     "evidence": workspace.evidence(limit=1) if kind == "problem" else None})

    return page


def detail(kind: str) -> Any:
    """The page function of one artifact: ``KIND show ID --json``."""
    area = AREAS[kind]

    def page(request: Request, workspace: Workspace) -> View:
        data = workspace.artifact(kind, request.path_params["artifact_id"])
        return View(data, {"area": area, "title": f"{area.one} {data['id']}: {data['title']}",
                           "errors": {}, "values": {}})

    return page


def bets(request: Request, workspace: Workspace) -> View:
    problem = _whole(request, "problem")
    ranked = workspace.bet_ranking(problem)
    return View(ranked, {"area": AREAS["bet"], "problem": problem,
                         "problems": workspace.artifacts("problem")})


def goals(request: Request, workspace: Workspace) -> View:
    found = workspace.goal_status()
    texts = {g["goal"]: {side: metric_text(g["metric"], g[side])
                         for side in ("baseline", "current", "target")} for g in found}
    return View(found, {"area": AREAS["goal"], "texts": texts})


def week(request: Request, workspace: Workspace) -> View:
    day = journal.day(request.query_params.get("on"), date.today())
    period = journal.week_of(day)
    return View(workspace.decisions(period), {
        "area": AREAS["decision"], "period": period,
        "earlier": _week_away(period.start, -7), "later": _week_away(period.start, 7),
        "logged": len(workspace.artifacts("decision"))})


def _week_away(start: date, days: int) -> str | None:
    """The start of the week ``days`` away; None past the calendar's first or last week."""
    try:
        return (start + timedelta(days=days)).isoformat()
    except OverflowError:
        return None


SPECIAL = {"bet": ("bets.html", bets), "goal": ("goals.html", goals),
           "decision": ("journal.html", week)}
for _kind, _area in AREAS.items():
    _template, _function = SPECIAL.get(_kind, ("artifacts.html", listing(_kind)))
    add_page(router, _area.path, _template, _area.many, _function)
    add_page(router, f"{_area.path}/{{artifact_id:id}}", f"{_kind}.html", _area.one,
             detail(_kind))


def roadmap(request: Request, workspace: Workspace) -> View:
    """Now / next / later / not doing: the twin is ``roadmap --json``."""
    return View(workspace.roadmap(), {"lanes": ("now", "next", "later", "not_doing")})


def guides(request: Request, workspace: Workspace) -> View:
    """Interview guides: the twin is ``interview list --json``."""
    return View(workspace.artifacts("guide"), {})


def guide(request: Request, workspace: Workspace) -> View:
    """One guide: the twin is ``interview show ID --json``."""
    data = workspace.artifact("guide", request.path_params["artifact_id"])
    return View(data, {"title": f"Interview guide {data['id']}"})


add_page(router, "/roadmap", "roadmap.html", "Roadmap", roadmap)
add_page(router, "/guides", "guides.html", "Interview guides", guides)
add_page(router, "/guides/{artifact_id:id}", "guide.html", "Interview guide", guide)
