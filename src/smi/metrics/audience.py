"""Audience: who follows the organisation's accounts."""

from __future__ import annotations

from typing import Any

import ibis

from smi.metrics.period import Period
from smi.metrics.registry import metric
from smi.metrics.tables import aggregate, with_month


@metric(
    name="followers",
    description="Followers at the end of the period.",
    formula=(
        "sum over accounts of followers on the account's last day in the period (or month) "
        "that has a value (audience_daily); no value in the period = not available"
    ),
    unit="followers",
    inputs=("audience_daily.followers",),
)
def followers(con: Any, period: Period, by: tuple[str, ...] = ()) -> ibis.Table:
    a = con.table("audience_daily")
    a = a.filter(
        (a.date >= ibis.literal(period.start))
        & (a.date < ibis.literal(period.end))
        & a.followers.notnull()
    )
    a = with_month(a, "date", period, by)
    keys = ["platform", "account_id"] + (["month"] if "month" in by else [])
    rn = ibis.row_number().over(group_by=keys, order_by=ibis.desc(a.date))
    last = a.mutate(_rn=rn).filter(lambda t: t._rn == 0)
    return aggregate(last, by, last.followers.sum())
