"""Per-post rows and small charts shared by the practice, people and platform detectors.

Not a detector (the registry skips modules whose name starts with "_").
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from smi.metrics.engagement import FOLLOWER_WINDOW_DAYS, engagement_value
from smi.metrics.period import Period
from smi.metrics.tables import OFFICIAL, grain_rows

VEGA_LITE = "https://vega.github.io/schema/vega-lite/v5.json"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def window(ctx: Any) -> Period:
    """The month and its three-month baseline, as one period of local days."""
    start, _ = ctx.baseline_range
    y, m = ctx.first_day.year, ctx.first_day.month
    end = date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)
    return Period.between(start, end, ctx.timezone)


def window_words(period: Period) -> str:
    """'March–June 2025' for the window's first and last months."""
    last = period.end - timedelta(days=1)
    a, b = MONTHS[period.start.month - 1], MONTHS[last.month - 1]
    if period.start.year == last.year:
        return f"{a}–{b} {last.year}"
    return f"{a} {period.start.year}–{b} {last.year}"


def post_frame(ctx: Any, period: Period, kinds: tuple[str, ...]) -> pd.DataFrame:
    """One row per post of the given kinds published in the period: post_key, platform,
    account_id, person ('official' for the organisation's accounts, None for others), kind,
    format, language, labels, text, local `published` time, impressions, engagements."""
    key = ("_posts.post_frame", period, kinds)
    if key in ctx._cache:
        return ctx._cache[key]
    t = grain_rows(ctx.con, "posts", period, where=lambda t: t.kind.isin(list(kinds)))
    t = t.mutate(engagements=engagement_value(t))
    cols = ["post_key", "platform", "account_id", "person", "kind", "format", "language", "labels",
            "text", "published_at", "impressions", "engagements"]
    # a fixed order: the bootstrap resamples by position, so the same data give the same CI
    df = t.select(*cols).order_by("post_key").to_pandas()
    if len(df):
        df["published"] = pd.to_datetime(df["published_at"], utc=True).dt.tz_convert(ctx.timezone)
    else:
        df["published"] = pd.Series(dtype="datetime64[ns, UTC]")
    ctx._cache[key] = df
    return df


def official(posts: pd.DataFrame) -> pd.DataFrame:
    """The rows of `post_frame` from the organisation's official accounts (person 'official'):
    the organisation's own figures; staff's own accounts are theirs (the people detector)."""
    return posts[posts.person == OFFICIAL]


def with_followers(ctx: Any, posts: pd.DataFrame) -> pd.DataFrame:
    """`posts` plus `followers`: the account's followers on the post's local day, or the latest
    value in the FOLLOWER_WINDOW_DAYS before it (audience_daily); else NaN."""
    a = ctx.con.table("audience_daily")
    a = a.filter(a.followers.notnull() & a.account_id.isin(list(posts.account_id.unique())))
    aud = a.select("account_id", "date", "followers").to_pandas()
    out = posts.assign(_day=pd.to_datetime(posts.published.dt.date), _i=range(len(posts)))
    if aud.empty or out.empty:
        return out.assign(followers=np.nan).drop(columns=["_day", "_i"])
    aud = aud.assign(_day=pd.to_datetime(aud["date"])).sort_values("_day")
    m = pd.merge_asof(out.sort_values("_day"), aud[["account_id", "_day", "followers"]], on="_day",
                      by="account_id", direction="backward",
                      tolerance=pd.Timedelta(days=FOLLOWER_WINDOW_DAYS - 1))
    m = m.sort_values("_i")
    m.index = posts.index
    return m.drop(columns=["_day", "_i"])


def times(x: float) -> str:
    """1.83 -> '1.8×'."""
    return f"{x:.2f}×" if x < 0.095 else f"{x:.1f}×"


def bar_chart(title: str, rows: list[dict[str, Any]], x: str, y: str, y_title: str) -> dict[str, Any]:
    """A Vega-Lite bar chart of a few groups."""
    return {
        "$schema": VEGA_LITE,
        "title": title,
        "data": {"values": rows},
        "mark": "bar",
        "encoding": {
            "x": {"field": x, "type": "nominal", "sort": None, "title": None},
            "y": {"field": y, "type": "quantitative", "title": y_title},
        },
    }
