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


def _flows(q: Query) -> ir.Table:
    """Per account (and group of `by`): gained and lost summed over the days in the period
    that give them (`flows`: both given on some day). Columns: *by, platform, account_id,
    gained, lost, flows."""
    a = q.grain("audience_daily", where=lambda t: t.gained.notnull() | t.lost.notnull())
    keys = list(dict.fromkeys([*q.by, "platform", "account_id"]))
    return a.group_by(keys).aggregate(
        gained=a.gained.sum(), lost=a.lost.sum(),
        flows=(a.gained.count() > 0) & (a.lost.count() > 0),
    )


@metric(
    name="net_follower_growth",
    description="Followers gained less followers lost over the period.",
    formula=(
        "sum over accounts of: (sum(gained) − sum(lost)) over the days in the period, where the "
        "platform gives both daily (audience_daily: YouTube subscribers gained and lost); else "
        "(followers on the last day in the period with a value − followers on the first such "
        "day), over accounts with two or more such days; neither = not available (a platform "
        "that gives gains but not losses, like Facebook and LinkedIn, cannot say: see "
        "followers_gained)"
    ),
    unit="followers",
    inputs=("audience_daily.followers", "audience_daily.gained", "audience_daily.lost"),
    requires=(("audience_daily.followers", "audience_daily.lost"),),
    series=("audience_daily.followers",),
    grain="audience_daily",
    by=LEVEL_DIMS,
)
def net_follower_growth(q: Query) -> ir.Table:
    keys = list(dict.fromkeys([*q.by, "platform", "account_id"]))
    e = _ends(q)
    f = _flows(q)
    both = f.outer_join(e, [f[k] == e[k] for k in keys])
    j = both.select(
        *[ibis.coalesce(both[f"{k}_right"], both[k]).name(k) if f"{k}_right" in both.columns else both[k]
          for k in keys],
        net=ibis.ifelse(
            both.flows.fill_null(False),
            both.gained - both.lost,
            ibis.ifelse(both.span.fill_null(False), both["last"] - both["first"], ibis.null().cast("int64")),
        ),
    )
    return q.aggregate(j.net.sum(), j)


@metric(
    name="followers_gained",
    description="New followers in the period, as the platform counts them day by day.",
    formula=(
        "sum(gained) over the days in the period (audience_daily: Facebook follows, LinkedIn "
        "new followers, YouTube subscribers gained); no day with a value = not available"
    ),
    unit="followers",
    inputs=("audience_daily.gained",),
    grain="audience_daily",
    exclude=("hour",),
)
def followers_gained(q: Query) -> ir.Value:
    return q.rows.gained.sum()


@metric(
    name="followers_lost",
    description="Followers lost in the period (unfollows), as the platform counts them day by day.",
    formula="sum(lost) over the days in the period (audience_daily: YouTube subscribers lost); no day with a value = not available",
    unit="followers",
    inputs=("audience_daily.lost",),
    grain="audience_daily",
    higher_is_better=False,
)
def followers_lost(q: Query) -> ir.Value:
    return q.rows.lost.sum()


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
    series=("audience_daily.followers",),
    grain="audience_daily",
    by=LEVEL_DIMS,
)
def follower_growth_rate(q: Query) -> ir.Table:
    e = _ends(q)
    return q.aggregate(ratio((e["last"] - e["first"]).sum(where=e.span), e["first"].sum(where=e.span)), e)
