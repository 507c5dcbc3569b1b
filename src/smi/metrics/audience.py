"""Audience: who follows the organisation's accounts."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from smi.metrics.registry import Query, metric
from smi.metrics.tables import ratio

# Followers are a level, not a flow: a weekday or single-day breakdown says nothing more.
LEVEL_DIMS = ("platform", "account_id", "person", "week", "month")


def _ends(q: Query) -> ir.Table:
    """Per account (and group of `by`): followers on the first and the last day in the
    group that have a value, and `span`: whether those are two different days (accounts with one day cannot say how they grew).
    Columns: *by, platform, account_id, first, last."""
    a = q.grain("audience_daily", where=lambda t: t.followers.notnull())
    keys = list(dict.fromkeys([*q.by, "platform", "account_id"]))
    w_first = ibis.row_number().over(group_by=keys, order_by=a.date)
    w_last = ibis.row_number().over(group_by=keys, order_by=ibis.desc(a.date))
    a = a.mutate(_first=w_first, _last=w_last)
    first = a.filter(a._first == 0).select(*keys, first=a.followers, _d0=a.date)
    last = a.filter(a._last == 0).select(*[a[k].name(f"_{k}") for k in keys], last=a.followers, _d1=a.date)
    j = first.join(last, [first[k] == last[f"_{k}"] for k in keys])
    return j.select(*[j[k] for k in keys], first=j.first, last=j["last"], span=j._d0 < j._d1)


@metric(
    name="followers",
    description="Followers at the end of the period.",
    formula=(
        "sum over accounts of followers on the account's last day in the period (or group) "
        "that has a value (audience_daily); no value in the period = not available"
    ),
    unit="followers",
    inputs=("audience_daily.followers",),
    grain="audience_daily",
    by=LEVEL_DIMS,
)
def followers(q: Query) -> ir.Table:
    e = _ends(q)
    return q.aggregate(e["last"].sum(), e)


@metric(
    name="net_follower_growth",
    description="Followers gained less followers lost over the period.",
    formula=(
        "sum over accounts of (followers on the last day in the period with a value − "
        "followers on the first day in the period with a value) (audience_daily), over accounts "
        "with two or more such days; none = not available"
    ),
    unit="followers",
    inputs=("audience_daily.followers",),
    grain="audience_daily",
    by=LEVEL_DIMS,
)
def net_follower_growth(q: Query) -> ir.Table:
    e = _ends(q)
    return q.aggregate((e["last"] - e["first"]).sum(where=e.span), e)


@metric(
    name="follower_growth_rate",
    description="Net follower growth as a share of the followers at the start of the period.",
    formula=(
        "sum(last − first) / sum(first) over accounts, first and last = followers on the "
        "first and last day in the period with a value (audience_daily), over accounts with two "
        "or more such days; 0 followers = not available"
    ),
    unit="ratio",
    inputs=("audience_daily.followers",),
    grain="audience_daily",
    by=LEVEL_DIMS,
)
def follower_growth_rate(q: Query) -> ir.Table:
    e = _ends(q)
    return q.aggregate(ratio((e["last"] - e["first"]).sum(where=e.span), e["first"].sum(where=e.span)), e)
