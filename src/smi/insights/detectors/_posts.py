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


def window(ctx: Any, months: int = 4) -> Period:
    """The month and its three-month baseline (`months` 4), or the month and the `months` - 1
    before it, as one period of local days."""
    start, _ = ctx.baseline_range
    if months != 4:
        start = date(*map(int, ctx.month_shift(-(months - 1)).split("-")), 1)
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


def window_msg(period: Period) -> Any:
    """The window's first and last months as a message ("August to November 2026")."""
    from smi.messages import M, month_p

    last = period.end - timedelta(days=1)
    return M("%(first)s to %(last)s", first=month_p(period.start.isoformat()[:7]), last=month_p(last.isoformat()[:7]))


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
    a = a.filter(a.followers.notnull() & a.account_id.isin(list(posts.account_id.dropna().unique())))
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


def bar_chart(title: Any, rows: list[dict[str, Any]], x: str, y: str, y_title: Any) -> dict[str, Any]:
    """A Vega-Lite bar chart of a few groups (smi.insights.finding.bar_chart, the one builder)."""
    from smi.insights.finding import bar_chart as build

    return build(title, rows, x, y, y_title)


# -- the rate model shared by practice (Q2) and people (Q4) -----------------------------------
RATE_IMPRESSIONS = "engagement_rate_impressions"
RATE_FOLLOWERS = "engagement_rate_followers"
PER_POST = "engagements_per_post"
# The attributes a post's engagement is modelled on (catalogue dimensions of the posts grain).
ATTRIBUTES = ("format", "language", "length", "daypart", "weekday", "kind", "person")
OTHER = "(other)"  # levels with too few posts, pooled: in the model, never reported
UNKNOWN = "(unknown)"  # no value (e.g. no language detected): in the model, never reported


def model_frame(ctx: Any, period: Period) -> pd.DataFrame:
    """One row per post the engagement metrics count (OWN_KINDS, latest snapshot), with its
    attributes as the catalogue derives them (`length`, `daypart`, `weekday` from the posts
    grain), `labels`, `impressions`, `engagements` and `followers` (on the posting day)."""
    key = ("_posts.model_frame", period)
    if key in ctx._cache:
        return ctx._cache[key]
    from smi.metrics.exposure import OWN_KINDS

    t = grain_rows(ctx.con, "posts", period, ("length", "daypart", "weekday"),
                   where=lambda t: t.kind.isin(list(OWN_KINDS)))
    t = t.mutate(engagements=engagement_value(t))
    cols = ["post_key", "platform", "account_id", "person", "kind", "format", "language", "labels",
            "length", "daypart", "weekday", "published_at", "impressions", "engagements"]
    df = t.select(*cols).order_by("post_key").to_pandas()
    df["published"] = (pd.to_datetime(df["published_at"], utc=True).dt.tz_convert(ctx.timezone) if len(df)
                       else pd.Series(dtype="datetime64[ns, UTC]"))
    # the calendar month posted: rates move from month to month for every kind of post (a
    # trend, the season, a month whose exposure or rate fell), so the models compare posts
    # within a month; an attribute whose share changed over the window is not credited with
    # the month's change
    df["month"] = df["published"].dt.strftime("%Y-%m") if len(df) else pd.Series(dtype=object)
    df = with_followers(ctx, df) if len(df) else df.assign(followers=np.nan)
    ctx._cache[key] = df
    return df


def exposure_of(rows: pd.DataFrame, prefer: tuple[str, ...]) -> tuple[pd.DataFrame, str | None, str]:
    """The rows the model can use, the exposure column (None: none) and the catalogue metric
    whose definition the model follows: the first of `prefer` ("impressions", "followers")
    that at least half the posts with engagements carry, else engagements per post."""
    rows = rows[rows.engagements.notna()]
    for col in prefer:
        has = rows[col].notna() & (rows[col] > 0)
        if len(rows) and has.mean() >= 0.5:
            metric = RATE_IMPRESSIONS if col == "impressions" else RATE_FOLLOWERS
            return rows[has], col, metric
    return rows, None, PER_POST


def pooled(col: pd.Series, min_n: int) -> pd.Series:
    """The column as text, missing values as UNKNOWN and levels with fewer than `min_n`
    posts pooled as OTHER."""
    s = col.astype(object).where(col.notna(), UNKNOWN).astype(str)
    counts = s.value_counts()
    small = [v for v, n in counts.items() if n < min_n and v != UNKNOWN]
    return s.where(~s.isin(small), OTHER)


def label_flags(rows: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """A 0/1 column `label:NAME` per label carried by at least `min_n` posts and missing
    from at least `min_n`."""
    labels = rows.labels.apply(lambda x: list(x) if x is not None else [])
    names = sorted({v for xs in labels for v in xs})
    out = {}
    for name in names:
        on = labels.apply(lambda xs, v=name: v in xs)
        if min_n <= int(on.sum()) <= len(rows) - min_n:
            out[f"label:{name}"] = on.astype(float)
    return pd.DataFrame(out, index=rows.index)


def catalogue_figure(ctx: Any, metric: str, period: Period, platform: str | None,
                     dimension: str | None, value: Any, *, person: str | None = None) -> dict[str, Any]:
    """One value of a catalogue metric as `smi metric` gives it (`ws.metric`), with what it
    was asked for (the finding's `figures` entry). `person` ("official": the organisation's
    accounts) also breaks it down by person and keeps that row (`--by DIM --by person`)."""
    last = period.end - timedelta(days=1)
    by = tuple(d for d in (dimension, "person" if person is not None and dimension != "person" else None) if d)
    df = ctx.metric(metric, by, from_=period.start, to=last, platform=platform)
    if dimension:
        df = df[df[dimension].astype(str) == str(value)]
    if person is not None and dimension != "person" and len(df):
        df = df[df["person"].astype(str) == person]
    v = df["value"].iloc[0] if len(df) else None
    figure = None if v is None or pd.isna(v) else float(v)
    return {"metric": metric, "platform": platform, "dimension": dimension,
            "value": value.item() if hasattr(value, "item") else value,
            **({"person": person} if person is not None else {}),
            "from": period.start.isoformat(), "to": last.isoformat(), "figure": figure}


def adjusted_contrasts(rows: pd.DataFrame, factors: tuple[str, ...], exposure: str | None, *, min_n: int,
                       fixed: dict[str, str] | None = None,
                       never: tuple[tuple[str, str], ...] = (), labels: bool = False) -> list[Any] | None:
    """Every attribute level's engagement against its attribute's reference level, all
    attributes in one negative binomial model (stats.rate_contrasts), so an attribute is credited
    only with what it does with the others held fixed.

    Levels with fewer than `min_n` posts are pooled (OTHER) and never reported; nor are the
    (attribute, level) pairs in `never`. The reference is `fixed[attribute]`, else the level
    in the middle once the levels are ordered by their adjusted effect (of the two middle
    ones, the more common): each other level is set against it once, so no level is both a
    subject and a comparison (no mirror pairs), and a level that does as well as the
    reference gives a ratio near 1, which is no finding.
    """
    from smi.insights.stats import rate_contrasts

    fixed = fixed or {}
    d = rows.reset_index(drop=True).copy()
    for f in factors:
        d[f] = pooled(d[f], min_n)
    use = [f for f in factors if d[f].nunique() >= 2]
    flags = label_flags(d, min_n) if labels else pd.DataFrame(index=d.index)
    d = pd.concat([d, flags], axis=1)

    def reportable(f: str, v: str) -> bool:
        return v not in (OTHER, UNKNOWN) and (f, v) not in never

    counts = {f: d[f].value_counts() for f in use}
    refs: dict[str, str] = {}
    for f in use:
        cands = [v for v in counts[f].index if reportable(f, v)]
        refs[f] = fixed.get(f) or (max(cands, key=lambda v, f=f: (counts[f][v], v)) if cands
                                   else str(counts[f].index[0]))
    first = rate_contrasts(d, "engagements", refs, exposure, list(flags.columns))
    if first is None:
        return None
    moved = False
    for f in use:
        if f in fixed:
            continue
        coef = {refs[f]: 0.0, **{c.level: float(np.log(c.ratio)) for c in first if c.factor == f}}
        cands = sorted((v for v in coef if reportable(f, v)), key=lambda v, f=f: (coef[v], v))
        if len(cands) < 3:
            continue
        a, b = cands[(len(cands) - 1) // 2], cands[len(cands) // 2]
        middle = max((a, b), key=lambda v, f=f: (counts[f][v], v))
        if middle != refs[f]:
            refs[f], moved = middle, True
    out = rate_contrasts(d, "engagements", refs, exposure, list(flags.columns)) if moved else first
    if out is None:
        return None
    return [c for c in out if c.factor.startswith("label:") or reportable(c.factor, c.level)]


def large_enough(c: Any, min_relative: float) -> Any:
    """The contrast, its p-value set to 1 when the adjusted ratio is within `min_relative` of 1
    (|ratio - 1| below it): too small to act on, so never a finding, but still a test made
    (counted for Benjamini–Hochberg)."""
    from dataclasses import replace

    return c if abs(c.ratio - 1) >= min_relative else replace(c, p_value=1.0)
