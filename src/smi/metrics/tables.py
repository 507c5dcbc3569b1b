"""Building blocks the metric families share: posts in a period, latest snapshot per post."""

from __future__ import annotations

from typing import Any

import ibis

from smi.metrics.period import Period


class TableCache:
    """An Ibis backend whose tables are looked up once (each lookup reads the schema)."""

    def __init__(self, con: Any) -> None:
        self.con = con
        self._tables: dict[str, ibis.Table] = {}

    def table(self, name: str) -> ibis.Table:
        if name not in self._tables:
            self._tables[name] = self.con.table(name)
        return self._tables[name]


def in_period(t: ibis.Table, column: str, period: Period) -> ibis.Table:
    """Rows whose timestamp `column` falls in the period (local month, compared as instants)."""
    col = t[column]
    return t.filter((col >= ibis.literal(period.start_utc)) & (col < ibis.literal(period.end_utc)))


def posts_in(con: Any, period: Period, kinds: tuple[str, ...] | None = None) -> ibis.Table:
    """Posts published in the period, optionally only of the given kinds."""
    posts = in_period(con.table("posts"), "published_at", period)
    if kinds is not None:
        posts = posts.filter(posts.kind.isin(list(kinds)))
    return posts


def latest_metrics(con: Any) -> ibis.Table:
    """One row per post: its most recent metric snapshot (exports are lifetime totals)."""
    m = con.table("post_metrics")
    rn = ibis.row_number().over(group_by=m.post_key, order_by=ibis.desc(m.observed_at))
    return m.mutate(_rn=rn).filter(lambda t: t._rn == 0).drop("_rn")


def with_month(t: ibis.Table, column: str, period: Period, by: tuple[str, ...]) -> ibis.Table:
    """Add `month` (YYYY-MM, the local calendar month of `column`) when `by` asks for it.

    Buckets by the months' boundaries as instants (or dates), so it is exact across
    daylight-saving changes and needs no time zone support from the backend."""
    if "month" not in by:
        return t
    col = t[column]
    is_date = col.type().is_date()
    branches = []
    for m in period.months:
        lo, hi = (m.start, m.end) if is_date else (m.start_utc, m.end_utc)
        branches.append(((col >= ibis.literal(lo)) & (col < ibis.literal(hi)), m.key))
    month = ibis.cases(*branches, else_=ibis.null().cast("string")) if branches else ibis.null().cast("string")
    return t.mutate(month=month)


def aggregate(t: ibis.Table, by: tuple[str, ...], value: ibis.Value) -> ibis.Table:
    """`value` per group of `by`, or one row when `by` is empty."""
    if by:
        return t.group_by(list(by)).aggregate(value=value)
    return t.aggregate(value=value)
