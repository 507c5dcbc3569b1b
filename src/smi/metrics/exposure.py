"""Exposure: how often the organisation's posts were seen (AMEC: outputs reaching people)."""

from __future__ import annotations

import ibis.expr.types as ir

from smi.metrics.registry import Query, metric
from smi.metrics.tables import ratio

# Reposts carry the original post's numbers, not the organisation's: leave them out.
OWN_KINDS = ("original", "quote", "reply")


def _sum(column: str):  # -> MetricFn
    def fn(q: Query) -> ir.Value:
        return q.rows[column].sum().cast("int64")

    fn.__name__ = column
    return fn


for _name, _what, _how in (
    ("impressions", "Times the posts published in the period were shown on screen.",
     "each time a post was on screen, repeats included"),
    ("reach", "People who saw the posts published in the period, summed over posts.",
     "unique accounts per post, as the platform counts them; a person who saw two posts counts twice"),
    ("views", "Views of the posts published in the period, as the platform counts a view.",
     "Meta's Views (impressions' successor), YouTube views; definitions differ by platform"),
):
    metric(
        name=_name,
        description=_what,
        formula=(
            f"sum({_name}) over posts published in the period (reposts excluded), latest "
            f"snapshot per post; {_how}; no value at all = not available"
        ),
        unit=_name,
        inputs=(f"post_metrics.{_name}",),
        kinds=OWN_KINDS,
    )(_sum(_name))


@metric(
    name="page_impressions",
    description="Times anything from the page was shown on screen in the period, as the platform counts them a day.",
    formula=(
        "sum(impressions) over the days of the period (audience_daily: LinkedIn's daily "
        "`Impressions (total)`, organic + sponsored, sheet Metrics of the content export); by the "
        "day shown, not the day posted, so it counts older posts too; no day with a value = not available"
    ),
    unit="impressions",
    inputs=("audience_daily.impressions",),
    grain="audience_daily",
)
def page_impressions(q: Query) -> ir.Value:
    return q.rows.impressions.sum()


@metric(
    name="impressions_per_post",
    description="Average impressions of a post that has an impressions number.",
    formula="sum(impressions) / count(posts with an impressions number), posts published in the "
    "period (reposts excluded), latest snapshot per post",
    unit="impressions a post",
    inputs=("post_metrics.impressions",),
    kinds=OWN_KINDS,
)
def impressions_per_post(q: Query) -> ir.Value:
    return ratio(q.rows.impressions.sum(), q.rows.impressions.count())
