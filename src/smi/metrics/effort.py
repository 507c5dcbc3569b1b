"""Effort: the staff time behind the social media work, and what it yields (AMEC: inputs).

Time comes from the `effort` table (time logs: person, local date, minutes, platform,
activity); a row with no platform is work not tied to one platform (planning, reporting).
Rates come from the profile's people (`cost_per_hour`, mirrored into the `people` table;
matched on the person's name as the time log writes it).

Partial rate coverage: `staff_cost` adds up the hours of the people who have a rate and
leaves the others out; `staff_cost_coverage` says what share of the hours that is, so a
cost is always shown beside its coverage ("£1,240, 80% of hours costed"). A person with
no rate has a NULL cost, never 0; when nobody in a group has a rate the cost is NULL.

Shares compare like with like: a share is of the total within the same calendar bucket
(day, week or month, when the breakdown has one), otherwise of the whole period.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from smi.metrics.engagement import ENGAGEMENT_INPUTS, engagement_value
from smi.metrics.exposure import OWN_KINDS
from smi.metrics.registry import Query, metric
from smi.metrics.tables import aggregate, ratio

BUCKETS = ("day", "week", "month")  # calendar buckets a share is taken within
PER_HOUR_BY = ("platform", *BUCKETS)  # dimensions both time logs and posts have
POST_KINDS = ("original", "quote")  # what the `posts` metric counts


def _hours(t: ir.Table) -> ir.Value:
    return t.minutes.sum() / 60


def _share(t: ir.Table, by: tuple[str, ...]) -> ir.Table:
    """`t` (columns *by, v) with `value` = v / total v within the same calendar bucket."""
    frame = [d for d in by if d in BUCKETS]
    total = t.v.sum().over(ibis.window(group_by=frame)) if frame else t.v.sum().over()
    return t.mutate(value=ratio(t.v, total))


def _join_on(left: ir.Table, right: ir.Table, by: tuple[str, ...]) -> ir.Table:
    """Outer join of two `*by, …` aggregates on `by` (one row each when by is empty)."""
    if not by:
        return left.cross_join(right)
    r = right.rename({f"_r_{d}": d for d in by})
    j = left.outer_join(r, [left[d] == r[f"_r_{d}"] for d in by])
    keys = {d: ibis.coalesce(j[d], j[f"_r_{d}"]) for d in by}
    return j.mutate(**keys).drop(*[f"_r_{d}" for d in by])


@metric(
    name="staff_hours",
    description="Hours staff logged on social media work.",
    formula="sum(minutes) / 60 over time-log entries dated in the period; no entries = not available",
    unit="hours",
    inputs=("effort.minutes",),
    grain="effort",
    higher_is_better=None,
)
def staff_hours(q: Query) -> ir.Value:
    return _hours(q.rows)


@metric(
    name="staff_cost",
    description="What the logged hours cost, at each person's rate in the profile.",
    formula="sum(minutes / 60 * cost_per_hour) over entries in the period whose person has a "
    "cost_per_hour in the profile; others are left out (see staff_cost_coverage); no rate at all "
    "= not available",
    unit="currency",
    inputs=("effort.minutes",),  # and people.cost_per_hour (the profile's rates)
    grain="effort",
    higher_is_better=None,
)
def staff_cost(q: Query) -> ir.Value:
    t = q.rows
    return (t.minutes / 60 * t.cost_per_hour).sum()


@metric(
    name="staff_cost_coverage",
    description="Share of the logged hours that have a cost rate (how complete staff_cost is).",
    formula="sum(minutes of entries whose person has a cost_per_hour) / sum(minutes), entries in the period",
    unit="share (0–1)",
    inputs=("effort.minutes",),  # and people.cost_per_hour (the profile's rates)
    grain="effort",
)
def staff_cost_coverage(q: Query) -> ir.Value:
    t = q.rows
    costed = ibis.ifelse(t.cost_per_hour.notnull(), t.minutes, 0.0)
    return ratio(costed.sum(), t.minutes.sum())


def _per_hour(q: Query, posts: ir.Table, value: ir.Value, fill: bool) -> ir.Table:
    hours = aggregate(q.rows, q.by, _hours(q.rows)).rename(h="value")
    out = aggregate(posts, q.by, value).rename(n="value")
    j = _join_on(hours, out, q.by)
    n = j.n.fill_null(0) if fill else j.n
    value = ratio(n, j.h)
    if "platform" in q.by:  # hours not logged against a platform have no posts of their own
        value = ibis.ifelse(j.platform.isnull(), ibis.null().cast("float64"), value)
    return j.mutate(value=value)


@metric(
    name="engagements_per_staff_hour",
    description="Engagements earned for each hour of staff time.",
    formula="engagements (posts published in the period, reposts excluded) / staff_hours (entries "
    "dated in the period); by platform: that platform's engagements over the hours logged against "
    "it; either missing = not available",
    unit="engagements an hour",
    inputs=("effort.minutes", *ENGAGEMENT_INPUTS),
    requires=(("effort.minutes",), ENGAGEMENT_INPUTS),
    grain="effort",
    by=PER_HOUR_BY,
)
def engagements_per_staff_hour(q: Query) -> ir.Table:
    posts = q.grain("posts", lambda t: t.kind.isin(list(OWN_KINDS)))
    return _per_hour(q, posts, engagement_value(posts).sum(), fill=False)


@metric(
    name="posts_per_staff_hour",
    description="Posts published for each hour of staff time.",
    formula="posts (originals and quotes published in the period) / staff_hours (entries dated in "
    "the period); by platform: that platform's posts over the hours logged against it; no hours = "
    "not available",
    unit="posts an hour",
    inputs=("effort.minutes", "posts.kind"),
    requires=(("effort.minutes",),),
    grain="effort",
    by=PER_HOUR_BY,
)
def posts_per_staff_hour(q: Query) -> ir.Table:
    posts = q.grain("posts", lambda t: t.kind.isin(list(POST_KINDS)))
    return _per_hour(q, posts, posts.count(), fill=True)


@metric(
    name="hours_share",
    description="Share of the staff hours that went to each platform, activity or person.",
    formula="staff hours of the group / all staff hours (entries in the period; within the same "
    "day, week or month when broken down by one); entries with no platform are their own group",
    unit="share (0–1)",
    inputs=("effort.minutes",),
    grain="effort",
    higher_is_better=None,
    exclude=("weekday",),
)
def hours_share(q: Query) -> ir.Table:
    return _share(aggregate(q.rows, q.by, _hours(q.rows)).rename(v="value"), q.by)


@metric(
    name="engagements_share",
    description="Share of the engagements that each platform, account or kind of post earned.",
    formula="engagements of the group / all engagements (posts published in the period, reposts "
    "excluded; within the same day, week or month when broken down by one)",
    unit="share (0–1)",
    inputs=ENGAGEMENT_INPUTS,
    kinds=OWN_KINDS,
    higher_is_better=None,
    exclude=("label",),  # a post with two labels would count twice
)
def engagements_share(q: Query) -> ir.Table:
    v = engagement_value(q.rows).sum()
    return _share(aggregate(q.rows, q.by, v).rename(v="value"), q.by)


@metric(
    name="engagements_share_vs_hours_share",
    description="A platform's share of engagements over its share of staff hours "
    "(above 1: it earns more than its share of the time).",
    formula="(engagements of the platform / all engagements) / (hours logged against the platform / "
    "all hours logged against a platform), in the period (or the same day, week or month)",
    unit="ratio",
    inputs=("effort.minutes", *ENGAGEMENT_INPUTS),
    requires=(("effort.minutes",), ENGAGEMENT_INPUTS),
    grain="effort",
    by=PER_HOUR_BY,
    where=lambda t: t.platform.notnull(),
)
def engagements_share_vs_hours_share(q: Query) -> ir.Table:
    hours = _share(aggregate(q.rows, q.by, _hours(q.rows)).rename(v="value"), q.by)
    posts = q.grain("posts", lambda t: t.kind.isin(list(OWN_KINDS)))
    eng = _share(aggregate(posts, q.by, engagement_value(posts).sum()).rename(v="value"), q.by)
    j = _join_on(hours.select(*q.by, h=hours.value), eng.select(*q.by, e=eng.value), q.by)
    return j.mutate(value=ratio(j.e, j.h))
