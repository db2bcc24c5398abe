"""``needle roadmap``: now / next / later / not doing, from ranked bets and decisions."""

from __future__ import annotations

import typer

from needle.cli.context import open_workspace
from needle.cli.output import JsonFlag, print_json, print_table
from needle.cli.shapes import Fields, json_shape

ITEM: dict[str, Fields] = {
    "kind": "str: bet or proposal", "id": "int", "title": "str", "problem": "int|null",
    "method": "str|null: rice, ice or weighted (bets)", "value": "float|null: the score",
    "why": "str|null: why it scored so", "reason": "str|null: the response or the reason to drop",
    "decisions": ["int: decisions that cite it"]}
RANKED: dict[str, Fields] = ITEM | {"rank": "int|null: rank within its method"}
LANES = ("now", "next", "later", "not_doing")


@json_shape("The roadmap's four lanes.", {"now": [ITEM], "next": [RANKED], "later": [RANKED],
                                          "not_doing": [ITEM]})
def roadmap(ctx: typer.Context, json_: JsonFlag = False) -> None:
    """The roadmap: now, next, later and not doing. Candidates are ranked within their scoring
    method (RICE and ICE scores are not comparable); ideas said no to keep their reasons."""
    with open_workspace(ctx) as workspace:
        lanes = workspace.roadmap()
    if json_:
        print_json(lanes)
        return
    for lane in LANES:
        print_table(["item", "title", "score", "reason"],
                    [[f"{i['kind']} {i['id']}", i["title"],
                      f"{i['method']} #{i['rank']}: {i['value']:g}" if i.get("rank") else "",
                      i["reason"] or ""] for i in lanes[lane]],
                    title=lane.replace("_", " "))

