"""``needle proposal``: one-page proposals whose success metric locks on approval."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from needle.cli import output
from needle.cli.artifact_common import Id, add_common, edit, opened

if TYPE_CHECKING:
    from needle.artifacts.quality import Finding

app = typer.Typer(help="Proposals: solution, success metric, baseline, target, decision rule.",
                  no_args_is_help=True)
Text = Annotated[str | None, typer.Option()]
Metric = Annotated[str | None, typer.Option(
    help="Success metric, e.g. conversion:signup>onboarding_completed@2d.")]
Target = Annotated[float | None, typer.Option(help="Target value (a rate as 0.6 for 60%).")]
Rule = Annotated[str | None, typer.Option("--rule", help="The decision rule, in a sentence.")]
Milestones = Annotated[list[str] | None, typer.Option(
    "--milestone", help="Timeline entry, e.g. '2026-08-01: beta' (repeatable).")]
MetricKind = Annotated[str | None, typer.Option(
    "--metric-kind", help="leading (moves soon, a proxy) or lagging (the outcome itself).")]
Guardrails = Annotated[list[str] | None, typer.Option(
    "--guardrail", help="A counter metric that must not get worse, SPEC[:leading|:lagging] "
    "(repeatable).")]


@app.command()
def new(ctx: typer.Context, title: str,
        problem: Annotated[int, typer.Option(help="The problem it solves.")],
        bet: Annotated[int | None, typer.Option(help="The bet it carries out.")] = None,
        solution: Text = None, scope: Text = None, metric: Metric = None,
        target: Target = None, rule: Rule = None, milestone: Milestones = None,
        metric_kind: MetricKind = None, guardrail: Guardrails = None,
        as_of: Annotated[str | None, typer.Option(
            help="Measure the baseline as it stood on this day (YYYY-MM-DD).")] = None) -> None:
    """Write a proposal; the baseline of its metric is measured now, from the event lake."""
    from needle.artifacts import proposals, quality

    fields = {"problem": problem, "bet": bet, "solution": solution, "scope": scope,
              "metric": metric, "target": target, "decision_rule": rule,
              "timeline": list(milestone or []), "metric_kind": metric_kind,
              "guardrails": [quality.guardrail(g) for g in guardrail or []]}
    with opened(ctx) as (workspace, session, engine):
        proposal = proposals.create(session, engine, title, workspace.author, fields, as_of)
        baseline = proposal.fields.get("baseline")
        _warn(proposals.findings(engine, proposal))
    typer.echo(f"proposal {proposal.id} created"
               + (f"; baseline {baseline['value']:.4g} (n = {baseline['n']})" if baseline
                  and baseline["value"] is not None else ""))


@app.command("edit")
def edit_(ctx: typer.Context, artifact_id: Id, title: Text = None, solution: Text = None,
          scope: Text = None, metric: Metric = None, target: Target = None, rule: Rule = None,
          milestone: Milestones = None, metric_kind: MetricKind = None,
          guardrail: Guardrails = None) -> None:
    """Change a proposal with flags, or in $EDITOR; after approval the metric, target and
    rule are locked (use amend)."""
    from needle.artifacts import quality

    edit(ctx, "proposal", artifact_id,
         {"title": title, "solution": solution, "scope": scope, "metric": metric,
          "target": target, "decision_rule": rule,
          "timeline": list(milestone) if milestone else None, "metric_kind": metric_kind,
          "guardrails": [quality.guardrail(g) for g in guardrail] if guardrail else None})


@app.command()
def respond(ctx: typer.Context, artifact_id: Id,
            response: Annotated[str, typer.Argument(help="approved, rejected or not_now.")],
            by: Annotated[str, typer.Option(help="Who responded.")],
            why: Annotated[str, typer.Option(help="Their reason.")],
            learned: Annotated[str | None, typer.Option(
                help="What you learned from the response.")] = None) -> None:
    """Record the response (who, when, why) and what was learned; approval locks the metric,
    baseline, target and rule."""
    from needle.artifacts import proposals, store

    with opened(ctx) as (workspace, session, _files):
        proposal = store.get(session, "proposal", artifact_id)
        proposals.respond(session, proposal, response, by, why, workspace.author, learned)
    typer.echo(f"proposal {artifact_id}: {response}"
               + ("; metric, baseline, target and rule are now locked"
                  if response == "approved" else ""))


@app.command()
def learn(ctx: typer.Context, artifact_id: Id,
          learned: Annotated[str, typer.Argument(help="What the response taught you.")]) -> None:
    """Record what was learned from the response."""
    from needle.artifacts import proposals, store

    with opened(ctx) as (workspace, session, _files):
        proposals.learn(session, store.get(session, "proposal", artifact_id), learned,
                        workspace.author)
    typer.echo(f"proposal {artifact_id}: learning recorded")


@app.command()
def smaller(ctx: typer.Context, artifact_id: Id,
            title: Annotated[str, typer.Argument(help="The smaller bet.")],
            description: Text = None,
            effort: Annotated[float | None, typer.Option(
                help="Person-weeks; less than the first bet's.")] = None,
            impact: Annotated[float | None, typer.Option(help="RICE impact.")] = None) -> None:
    """After a no or a not now: a smaller bet on the same problem, linked to this proposal."""
    from needle.artifacts import proposals, store

    with opened(ctx) as (workspace, session, _files):
        bet = proposals.smaller(session, store.get(session, "proposal", artifact_id), title,
                                workspace.author, {"description": description,
                                                   "effort": effort, "impact": impact})
    typer.echo(f"bet {bet.id} created: a smaller bet after proposal {artifact_id}")


def _warn(findings: list[Finding]) -> None:
    for finding in findings:
        output.err_console.print(f"warning: {finding.message}", markup=False,
                                 highlight=False, soft_wrap=True)


@app.command()
def amend(ctx: typer.Context, artifact_id: Id,
          field: Annotated[str, typer.Option(help="metric, target or decision_rule.")],
          value: Annotated[str, typer.Option(help="The new value.")],
          reason: Annotated[str, typer.Option(help="Why it changes after approval.")]) -> None:
    """Change a locked field in the open: the amendment is kept on the proposal."""
    from needle.artifacts import proposals, store

    with opened(ctx) as (workspace, session, engine):
        proposal = store.get(session, "proposal", artifact_id)
        proposals.amend(session, engine, proposal, field, value, reason, workspace.author)
    typer.echo(f"proposal {artifact_id}: {field} amended")


add_common(app, "proposal")
