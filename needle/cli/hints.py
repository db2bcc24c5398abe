"""The CLI's words for what a library error suggests.

Library errors say what is wrong in domain words and carry structured fields
(:class:`needle.errors.UserError`): ``field``, the option or field at fault, and ``hint``, a code
for the next action. This module turns those into the commands and flags of this CLI, so the
library never names them: a hint code becomes a sentence naming a command, a field that is a
command-line option becomes that option's flag.
"""

from __future__ import annotations

from typing import Any

from needle.errors import UserError

# Artifact kind -> the command group that holds it (``store.get`` hints ``<kind>-list``).
ARTIFACT_GROUPS: dict[str, str] = {
    "problem": "problem", "bet": "bet", "proposal": "proposal", "decision": "journal",
    "goal": "goal", "ship": "ship", "teardown": "teardown", "guide": "interview",
    "resume": "resume", "conversation": "conversation", "synthesis": "synthesis",
}

# Hint code -> what to run, as a sentence that follows the message after "; ".
HINTS: dict[str, str] = {
    "init": "run `needle init DIR` or pass -w DIR",
    "import-events": "import some with `needle events import FILE`",
    "evidence-import": "import some with `needle evidence import FILE`",
    "evidence-list": "`needle evidence list` shows ids",
    "insight-list": "`needle insight list` shows the saved ones",
    "dashboard-list": "`needle dashboard list` shows them",
    "experiment-list": "`needle experiment list` shows them",
    "flag-list": "`needle flag list` shows them",
    "themes": "`needle themes` builds them and lists the current ones",
    "settings": "`needle settings` lists every setting",
    "problem-link": "link it with `needle problem link ID evidence:ID`",
    "proposal-respond": "record a response with `needle proposal respond ID RESPONSE`",
    "proposal-edit": "set it with `needle proposal edit ID`",
    "bet-drop": "drop it with `needle bet drop ID --why TEXT`",
    "proposal-amend": "record it with `needle proposal amend ID --field NAME --value V "
                      "--reason TEXT`",
    **{f"{kind}-list": f"`needle {group} list` shows them"
       for kind, group in ARTIFACT_GROUPS.items()},
}

# Hint code -> the command to run (the 12-week plan's next step for each stage).
COMMANDS: dict[str, str] = {
    "plan-start": "needle plan start [--date YYYY-MM-DD]",
    "journal-log": 'needle journal log "DECISION" --by WHO --alternative "..." --link KIND:REF',
    "journal-top": "needle journal top 5 --sprint -o top-decisions.md",
    "problem-new": 'needle problem new "TITLE" --statement "..." --evidence ID',
    "problem-link": "needle problem link ID evidence:ID",
    "proposal-new": 'needle proposal new "TITLE" --problem ID --metric SPEC --guardrail SPEC',
    "proposal-respond": 'needle proposal respond ID approved|rejected|not_now --by WHO '
                        '--why "..." --learned "..."',
    "proposal-learn": 'needle proposal learn ID "WHAT WE LEARNED"',
    "proposal-smaller": 'needle proposal smaller ID "A SMALLER BET" --effort N',
    "ship-new": 'needle ship new "WHAT SHIPPED" --proposal ID --shipped-on YYYY-MM-DD',
    "ship-feedback": "needle problem link ID evidence:ID (feedback dated after the launch)",
    "ship-learned": 'needle ship edit ID --learned "..."',
    "teardown-new": 'needle teardown new "WHAT THEY SHIPPED" --competitor NAME --better "..." '
                    '--worse "..."',
    "goal-new": 'needle goal new "OUTCOME" --metric SPEC --target N --by YYYY-MM-DD',
    "resume-write": "needle resume",
    "portfolio-build": "needle portfolio build",
    "conversation-write": "needle conversation --manager NAME",
}

# Fields that are command-line options. The flag is ``--`` and the field with dashes, except
# where the CLI names it otherwise (query options: ``needle.analytics.kinds`` ``Option.flag``).
RENAMED: dict[str, str] = {
    "start": "from", "end": "to", "breakdown_limit": "limit", "due": "by",
    "criteria": "criterion", "exposure_filters": "filter", "next_steps": "next",
}
OPTION_FIELDS: frozenset[str] = frozenset({
    "against", "columns", "confidence_reason", "control", "days", "decision_rule", "delimiter",
    "event_col", "force",
    "hypothesis", "lower_is_better", "metric", "reason", "replace", "split", "status",
    "text_col", "time_col", "user_col", "users", "window", "mode", "where", "step_where",
    "exclude", "breakdown", "interval", "measure", "property", "formula", "period", "periods",
    "start_event", "return_event", "direction", "top", "limit", "target", "reach_reason",
    "effort", "shipped_on", "weeks", "sheet", "format", "skip_bad", "unit", "alternative",
    "weights", "guardrail", "timing", "reach", "impact", "confidence", "ease", "alpha", "mde",
    "covariate", "above", "below", "change", "sequential", "week", "rejects", "props_cols",
    "as_of", *RENAMED,
})
# A second way to give the same thing, shown beside the flag.
ALTERNATIVES: dict[str, str] = {"event_col": "--event NAME"}


def flag(field: str) -> str:
    """The CLI option for a library field: ``lower_is_better`` -> ``--lower-is-better``."""
    return "--" + RENAMED.get(field, field.replace("_", "-"))


def command(code: str) -> str:
    """The command a hint code stands for (unknown codes are shown as they are)."""
    return COMMANDS.get(code, code)


def with_command(row: dict[str, Any]) -> dict[str, Any]:
    """A plan row with its ``hint`` code given as the ``command`` to run."""
    return {**{k: v for k, v in row.items() if k != "hint"}, "command": command(row["hint"])}


def suggestion(error: UserError) -> str:
    """What follows the message on the error line: ``; HINT``, `` (see --FLAG)`` or nothing."""
    if error.hint is not None and error.hint in HINTS:
        return f"; {HINTS[error.hint]}"
    if error.field in OPTION_FIELDS:
        see = " or ".join([flag(error.field), *filter(None, [ALTERNATIVES.get(error.field)])])
        return f" (see {see})"
    return ""


def error_line(error: Exception) -> str:
    """One line for stderr: ``error: MESSAGE`` and the CLI's own suggestion."""
    extra = suggestion(error) if isinstance(error, UserError) else ""
    return f"error: {error}{extra}"
