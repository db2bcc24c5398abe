"""``needle bet``: candidate solutions scored by RICE, ICE or weighted criteria, and ranked."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from needle.cli.artifact_common import SCORE, Id, add_common, edit, opened
from needle.cli.output import JsonFlag, print_json, print_table
from needle.cli.shapes import json_shape

app = typer.Typer(help="Bets: candidate solutions for a problem, scored and ranked.",
                  no_args_is_help=True)
Num = Annotated[float | None, typer.Option()]
Text = Annotated[str | None, typer.Option()]
Method = Annotated[str | None, typer.Option(help="rice (default), ice or weighted.")]
Criteria = Annotated[list[str] | None, typer.Option(
    "--criterion", help="Weighted criterion NAME=WEIGHT:SCORE (repeatable).")]


def _fields(method: str | None, reach: float | None, reach_reason: str | None,
            impact: float | None, confidence: float | None, confidence_reason: str | None,
            effort: float | None, ease: float | None, criterion: list[str] | None,
            description: str | None) -> dict[str, Any]:
    from needle.artifacts.scoring import parse_criteria

    return {"method": method, "reach": reach, "reach_reason": reach_reason, "impact": impact,
            "confidence": confidence, "confidence_reason": confidence_reason, "effort": effort,
            "ease": ease, "description": description,
            "criteria": parse_criteria(criterion) if criterion else None}


@app.command()
def new(ctx: typer.Context, title: str,
        problem: Annotated[int, typer.Option(help="The problem this bet addresses.")],
        method: Method = None,
        reach: Annotated[float | None, typer.Option(
            help="Override the computed reach (needs --reach-reason).")] = None,
        reach_reason: Text = None,
        impact: Annotated[float | None, typer.Option(
            help="RICE: 0.25, 0.5, 1, 2 or 3; ICE: 1-10.")] = None,
        confidence: Annotated[float | None, typer.Option(
            help="Override the evidence-based confidence (needs --confidence-reason).")] = None,
        confidence_reason: Text = None,
        effort: Annotated[float | None, typer.Option(help="RICE: person-weeks.")] = None,
        ease: Annotated[float | None, typer.Option(help="ICE: 1-10.")] = None,
        criterion: Criteria = None,
        description: Text = None) -> None:
    """Add a candidate solution to a problem."""
    from needle.artifacts import bets

    fields = _fields(method, reach, reach_reason, impact, confidence, confidence_reason, effort,
                     ease, criterion, description) | {"problem": problem}
    with opened(ctx) as (workspace, session, _files):
        bet = bets.create(session, title, workspace.author, fields)
    typer.echo(f"bet {bet.id} created for problem {problem}")


@app.command("edit")
def edit_(ctx: typer.Context, artifact_id: Id, title: Text = None, status: Text = None,
          method: Method = None, reach: Num = None, reach_reason: Text = None,
          impact: Num = None, confidence: Num = None, confidence_reason: Text = None,
          effort: Num = None, ease: Num = None, criterion: Criteria = None,
          description: Text = None) -> None:
    """Change a bet with flags, or in $EDITOR when no flag is given."""
    fields = _fields(method, reach, reach_reason, impact, confidence, confidence_reason, effort,
                     ease, criterion, description)
    edit(ctx, "bet", artifact_id, {"title": title, "status": status, **fields})


@app.command()
def drop(ctx: typer.Context, artifact_id: Id,
         why: Annotated[str, typer.Option(help="Why not: kept on the bet and the roadmap.")]
         ) -> None:
    """Say no to a bet: it leaves the ranking and keeps its reason."""
    from needle.artifacts import bets, store

    with opened(ctx) as (workspace, session, _files):
        bets.drop(session, store.get(session, "bet", artifact_id), why, workspace.author)
    typer.echo(f"bet {artifact_id}: dropped")


@app.command()
@json_shape("Bets by score, highest first, with why.", [SCORE | {"rank": "int: from 1"}])
def rank(ctx: typer.Context,
         problem: Annotated[int | None, typer.Option(help="Only this problem's bets.")] = None,
         json_: JsonFlag = False) -> None:
    """Rank bets by score, highest first, with why each scored as it did."""
    from needle.artifacts import bets
    from needle.artifacts.scoring import ranked_json

    with opened(ctx) as (_, session, engine):
        scores = bets.ranking(session, engine, problem)
    if json_:
        print_json(ranked_json(scores))
        return
    print_table(["rank", "bet", "title", "method", "score", "why"],
                [[i, s.bet, s.title, s.method, f"{s.value:g}", s.why]
                 for i, s in enumerate(scores, 1)])


add_common(app, "bet")
