"""The review as Markdown, to paste into a meeting's notes; the web page renders the same text.

Names and values from the data (event names, property values, theme labels, titles) are put in
as literal text, so a review never carries markup from the data it reads.
"""

from __future__ import annotations

from needle.documents.render import cell, html_body, markdown_text
from needle.review.review import MetricRow, Review, number

_STATE = {True: "FIRING", False: "ok", None: "not checked"}


def _value(value: float | None, ratio: bool) -> str:
    return "-" if value is None else number(value, ratio)


def _metric_line(m: MetricRow) -> str:
    change = "-" if m.change is None else f"{m.change:+.1%}"
    return (f"| {cell(m.name)} | {_value(m.this_week, m.ratio)} | {_value(m.last_week, m.ratio)} "
            f"| {_value(m.median_4_weeks, m.ratio)} | {change} |")


def _bullets(items: list[str], empty: str) -> list[str]:
    return [f"- {item}" for item in items] or [empty]


def markdown(review: Review) -> str:
    """The whole review as one Markdown document."""
    lines = [f"# Weekly review {review.week} ({review.period.start} to {review.period.end})", "",
             f"**Observation for the team meeting:** {markdown_text(review.observation)}", "",
             "## Key metrics", "",
             "| metric | this week | last week | 4-week median | change |",
             "|---|---:|---:|---:|---:|", *[_metric_line(m) for m in review.metrics], ""]
    if review.not_reviewed:
        names = markdown_text(", ".join(review.not_reviewed))
        lines += [f"Not reviewed (no daily series): {names}.", ""]
    if review.alerts:
        lines += ["## Alert rules", "", *_bullets([markdown_text(
            f"{_STATE[a.firing]}: {a.text} ({a.message})") for a in review.alerts], ""), ""]
    lines += ["## Anomalies", "", *_bullets([
        markdown_text(a.sentence() + "".join(f"; {d.sentence()}" for d in a.drivers))
        for a in review.anomalies], "No anomaly on the key metrics."), ""]
    lines += ["## Themes", "", *_bullets(
        [markdown_text(f"{t['label']} ({direction}, {t['size']} pieces)")
         for direction in ("rising", "falling") for t in review.themes[direction]],
        "No theme rising or falling."), ""]
    lines += ["## Experiments to decide", "", *_bullets(
        [markdown_text(f"{e['name']}: {e['why']}"
                       + ("; sample-ratio mismatch, check the split" if e["srm_problem"] else ""))
         for e in review.experiments], "None ready."), ""]
    lines += ["## Goals off track", "", *_bullets(
        [markdown_text(f"{g['title']}: {g['verdict']}") for g in review.goals], "None."), ""]
    lines += ["## Proposals past their date", "", *_bullets(
        [markdown_text(f"{p['title']} (due {p['due']}, {p['status']})")
         for p in review.proposals], "None."), ""]
    lines += ["## Decisions this week", "", *_bullets(
        [markdown_text(f"{d['decided_on']}: {d['title']}") for d in review.decisions],
        "None logged."), ""]
    return "\n".join(lines)


def html(review: Review) -> str:
    """The review's Markdown rendered as an HTML fragment."""
    return html_body(markdown(review))
