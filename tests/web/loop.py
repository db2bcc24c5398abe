"""A workspace holding the whole decision loop, for the web tests, made through the library:
the tiny product's events and evidence, an A/B experiment (``checklist``) with a planted effect,
and artifacts of every kind, some with ``<script>`` in what people typed.

Built once per run (``template``); tests that write copy it.
"""

from __future__ import annotations

import json
import shutil
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from needle.cli.main import app as cli_app
from needle.events.schema import EVENT_SCHEMA
from needle.evidence.store import EvidenceRecord, add_evidence
from needle.experiments import ExperimentSpec
from needle.web import create_app
from needle.workspace import Workspace
from tests.artifacts import tinyproduct

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
DAY = tinyproduct.LAUNCH.date().isoformat()
EXPERIMENT = "checklist"
FLAG = "onboarding-checklist"
_BUILT: dict[str, Path] = {}


def _experiment_events(users: int = 3000, seed: int = 5) -> pa.Table:
    """Exposures to a flag over ten days of the tiny product; ``checklist_done`` within 7 days
    rises from 30% (control) to 40% (test); ``support_ticket`` is the same in both."""
    rng = np.random.default_rng(seed)
    start = tinyproduct.START + timedelta(days=30)
    rows: list[tuple[str, str, datetime, dict[str, Any]]] = []
    for i in range(users):
        user, variant = f"e{i:05d}", "test" if rng.random() < 0.5 else "control"
        exposed = start + timedelta(hours=float(rng.uniform(0, 240)))
        rows.append(("$feature_flag_called", user, exposed,
                     {"$feature_flag": FLAG, "$feature_flag_response": variant}))
        if rng.random() < (0.40 if variant == "test" else 0.30):
            rows.append(("checklist_done", user, exposed + timedelta(hours=30), {}))
        if rng.random() < 0.1:
            rows.append(("support_ticket", user, exposed + timedelta(days=2), {}))
    return pa.table({
        "uuid": [str(uuid.UUID(int=int(rng.integers(0, 2**62)) << 64 | n))
                 for n in range(len(rows))],
        "event": [r[0] for r in rows], "distinct_id": [r[1] for r in rows],
        "timestamp": [r[2] for r in rows], "properties": [json.dumps(r[3]) for r in rows],
    }, schema=EVENT_SCHEMA)


def _artifacts(ws: Workspace) -> None:
    """One of each kind, as the loop makes them: ids 1 problem, 2-3 bets, 4 proposal, 5 ship,
    6 goal, 7-9 decisions, 10 teardown."""
    ws.create_problem(f"New users stall in onboarding {SCRIPT}",
                      {"statement": f"Half of new signups never finish onboarding. {SCRIPT}",
                       "affected": "new signups"}, [1, 2, 3, 8])
    ws.edit_artifact("problem", 1, {"status": "open"})
    ws.create_bet("Guided onboarding", {"problem": 1, "impact": 2, "effort": 3})
    ws.create_bet("Reminder e-mails", {"problem": 1, "impact": 1, "effort": 2, "confidence": 0.5,
                                       "confidence_reason": "untested channel"})
    ws.create_proposal("Guided onboarding", {
        "problem": 1, "bet": 2, "solution": "A checklist that walks new teams through setup.",
        "metric": tinyproduct.METRIC, "target": 0.6,
        "decision_rule": "roll out if onboarding rises 5 points",
        "timeline": [f"{DAY}: launch"]}, as_of=DAY)
    ws.respond_to_proposal(4, "approved", "Cleo", "clear evidence")
    ws.publish_ship("Guided onboarding", {"proposal": 4, "shipped_on": DAY,
                                          "what": "a guided onboarding",
                                          "learned": "Guidance beats documentation."},
                    evidence=[6], experiment=EXPERIMENT)
    ws.create_goal("Onboard most signups", {"metric": tinyproduct.METRIC, "target": 0.8,
                                            "due": "2027-03-31"})
    for title, on, importance in (("Roll guided onboarding out", DAY, 5),
                                  ("Rename boards", DAY, 2), (f"Drop the tour {SCRIPT}", None, 3)):
        ws.log_decision(title, {"decided_by": "Cleo", "decided_on": on, "importance": importance,
                                "rationale": "the funnel says so"}, ["proposal:4"])
    ws.create_teardown(f"Asana checklists {SCRIPT}", {
        "competitor": "Asana", "shipped": "onboarding checklists", "why": "activation",
        "sources": ["https://asana.com/blog", "a call with a customer"]})


def build(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "needle.toml").write_text('[needle]\nauthor = "ada"\n', encoding="utf-8")
    with Workspace.init(root) as ws:
        ws.lake.append(tinyproduct.events())
        ws.lake.append(_experiment_events())
        with ws.store.session() as session:
            add_evidence(session, [*tinyproduct.evidence(), EvidenceRecord(
                "ticket", f"The setup page shows {SCRIPT} instead of my team.", "tiny.csv",
                customer="u00077", created_at=tinyproduct.START + timedelta(days=9),
                source_id="s1")])
        ws.create_experiment(ExperimentSpec(
            name=EXPERIMENT, exposure_event="$feature_flag_called",
            variant_property="$feature_flag_response",
            metrics=(ws.experiment_metric("done=conversion:checklist_done:7"),
                     ws.experiment_metric("tickets=conversion:support_ticket:7")),
            hypothesis="A checklist gets new teams through setup",
            decision_rule="ship if done rises", control="control",
            exposure_filters=(("$feature_flag", FLAG),)))
        _artifacts(ws)
    return root


def template(tmp_path_factory: Any) -> Path:
    """The loop workspace, built once per run."""
    if "loop" not in _BUILT:
        _BUILT["loop"] = build(tmp_path_factory.mktemp("loop") / "ws")
    return _BUILT["loop"]


def copy(template_root: Path, into: Path) -> Path:
    return Path(shutil.copytree(template_root, into / "ws"))


def empty(root: Path) -> Path:
    Workspace.init(root).close()
    return root


def cli_json(root: Path, *args: str) -> Any:
    """What ``needle -w ROOT ARGS --json`` prints."""
    result = CliRunner().invoke(cli_app, ["-w", str(root), *args, "--json"])
    assert result.exit_code == 0, (result.output, result.exception)
    return json.loads(result.stdout)


def client(root: Path) -> TestClient:
    return TestClient(create_app(root))


def form_token(client: TestClient, path: str) -> str:
    """The CSRF token a form page carries (its cookie is then set in the client)."""
    page = client.get(path).text
    marker = 'name="csrf" value="'
    return page[page.index(marker) + len(marker):].split('"', 1)[0]


