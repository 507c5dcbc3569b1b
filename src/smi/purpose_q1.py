"""Q1 by purpose: share of posts, staff hours, engagement and goal progress against the
priorities the organisation set (`[purposes.<purpose>] priority = 1`, `share = 0.4`).

**Posts and engagements** are the organisation's official accounts' own, published in the
period, by `posts.purpose` (smi.purposes): posts = originals and quotes (the catalogue's
`posts`); engagements = reactions + comments + shares + saves of the latest snapshot of each
original, quote and reply (the catalogue's `engagements`), not available (None) when the
platforms give no counts.

**Staff hours by purpose.** The time log says what a person did (activity) and where
(platform), not what for. Each entry is given to purposes in this order:

1. its note: when the purpose rules match the note's words, hashtags or labels
   (smi.purposes.classify on the note), all its minutes go to that purpose;
2. `create` (and `plan`) on a platform: split over purposes in proportion to the official
   posts published on that platform in the same local week (Monday to Sunday);
3. `engage` on a platform: split in proportion to the interactions on that platform that
   week (comments, replies, mentions, messages), else to its posts as in 2;
4. anything else (`monitor`, `report`, `learn`, no activity or no platform, or a week with
   nothing on that platform to split by): *not attributed* to a purpose; the total says how
   many hours that is.

Engagements per staff hour by purpose = engagements / attributed hours (None below one hour).

**Goal progress** counts the scorecard's KPIs (smi.goals) of goals with each purpose by status.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pandas as pd

from smi.profile import PURPOSES

if TYPE_CHECKING:
    from smi.metrics.period import Period

SPLIT_BY_POSTS = ("create", "plan")
POST_KINDS = ("original", "quote")  # what the catalogue's `posts` counts
SPLIT_BY_INTERACTIONS = ("engage",)
MIN_HOURS = 1.0  # attributed hours before engagements per hour is said


def week_start(days: pd.Series) -> pd.Series:
    d = pd.to_datetime(days)
    return (d - pd.to_timedelta(d.dt.day_of_week, unit="D")).dt.date


def post_rows(con: Any, period: Period, timezone: str) -> pd.DataFrame:
    """The official accounts' own posts and replies in the period: platform, purpose, week,
    engagements, is_post (an original or a quote: what the catalogue's `posts` counts)."""
    from smi.metrics.engagement import engagement_value
    from smi.metrics.exposure import OWN_KINDS
    from smi.metrics.tables import OFFICIAL, grain_rows

    t = grain_rows(con, "posts", period, where=lambda t: t.kind.isin(list(OWN_KINDS)))
    t = t.filter(t.person == OFFICIAL).mutate(engagements=engagement_value(t))
    df = t.select("post_key", "platform", "purpose", "published_at", "engagements",
                  is_post=t.kind.isin(list(POST_KINDS))).order_by("post_key").to_pandas()
    local = pd.to_datetime(df["published_at"], utc=True).dt.tz_convert(timezone).dt.tz_localize(None)
    return df.assign(week=week_start(local.dt.normalize()) if len(df) else pd.Series(dtype=object))


def interaction_rows(con: Any, period: Period, timezone: str) -> pd.DataFrame:
    """Interactions in the period (every account): platform, purpose, week."""
    from smi.metrics.tables import grain_rows

    df = grain_rows(con, "interactions", period).select("platform", "purpose", "created_at").to_pandas()
    local = pd.to_datetime(df["created_at"], utc=True).dt.tz_convert(timezone).dt.tz_localize(None)
    return df.assign(week=week_start(local.dt.normalize()) if len(df) else pd.Series(dtype=object))


def effort_rows(con: Any, period: Period) -> pd.DataFrame:
    """Time-log entries in the period: platform, activity, note, minutes, week."""
    from smi.metrics.tables import grain_rows

    df = grain_rows(con, "effort", period).select("platform", "activity", "note", "minutes", "date").to_pandas()
    return df.assign(week=week_start(df["date"]) if len(df) else pd.Series(dtype=object))


def _shares(frame: pd.DataFrame) -> dict[tuple[Any, str], dict[str, float]]:
    """(week, platform) -> purpose -> share of the rows."""
    out: dict[tuple[Any, str], dict[str, float]] = {}
    f = frame[frame.purpose.notna()]
    for (week, platform), g in f.groupby(["week", "platform"]):
        counts = g.purpose.value_counts()
        out[(week, platform)] = {str(p): float(n) / float(counts.sum()) for p, n in counts.items()}
    return out


def attribute_hours(effort: pd.DataFrame, posts: pd.DataFrame, interactions: pd.DataFrame,
                    profile: Any) -> pd.DataFrame:
    """One row per (week, purpose) with the hours given to it (see the module docstring);
    purpose None: not attributed."""
    from smi.purposes import OTHER, classify_source, rules

    compiled = rules(profile)
    by_posts = _shares(posts[posts.is_post])
    by_inter = _shares(interactions)
    hours: dict[tuple[Any, str | None], float] = defaultdict(float)
    for r in effort.itertuples(index=False):
        h = float(r.minutes) / 60.0
        note = r.note if isinstance(r.note, str) else ""
        if note:
            p, source = classify_source({"text": note, "platform": r.platform}, compiled)
            if source != "none" and p != OTHER:
                hours[(r.week, p)] += h
                continue
        split = None
        if r.activity in SPLIT_BY_INTERACTIONS:
            split = by_inter.get((r.week, r.platform)) or by_posts.get((r.week, r.platform))
        elif r.activity in SPLIT_BY_POSTS:
            split = by_posts.get((r.week, r.platform))
        if not split:
            hours[(r.week, None)] += h
            continue
        for p, s in split.items():
            hours[(r.week, p)] += h * s
    return pd.DataFrame([{"week": w, "purpose": p, "hours": h} for (w, p), h in hours.items()],
                        columns=["week", "purpose", "hours"])


def _num(x: Any) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else x


def table(posts: pd.DataFrame, interactions: pd.DataFrame, hours: pd.DataFrame, profile: Any,
          scorecard: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Q1 by purpose from the rows of one period (see `q1`)."""
    counted = posts[posts.is_post]
    n_posts = len(counted)
    has_eng = bool(posts.engagements.notna().any()) if n_posts else False
    total_eng = float(posts.engagements.fillna(0).sum()) if has_eng else None
    attributed = hours[hours.purpose.notna()]
    total_att = float(attributed.hours.sum()) if len(attributed) else 0.0
    total_hours = float(hours.hours.sum()) if len(hours) else 0.0
    goals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for k in scorecard or []:
        goals[k.get("purpose") or "other"][k.get("status") or "not available"] += 1
    rows = []
    for p in PURPOSES:
        mine = posts[posts.purpose == p]
        n = int((counted.purpose == p).sum())
        e = float(mine.engagements.fillna(0).sum()) if has_eng and mine.engagements.notna().any() else (
            0.0 if has_eng else None)
        h = float(attributed[attributed.purpose == p].hours.sum()) if len(attributed) else 0.0
        rule = profile.purposes.get(p)
        rows.append({
            "purpose": p,
            "priority": getattr(rule, "priority", None),
            "target_share": getattr(rule, "share", None),
            "posts": n,
            "share_of_posts": n / n_posts if n_posts else None,
            "hours": round(h, 2),
            "share_of_hours": h / total_att if total_att else None,
            "engagements": e,
            "share_of_engagements": e / total_eng if e is not None and total_eng else None,
            "engagements_per_post": e / n if e is not None and n else None,
            "engagements_per_hour": e / h if e is not None and h >= MIN_HOURS else None,
            "interactions": int((interactions.purpose == p).sum()),
            "goals": dict(goals.get(p, {})),
        })
    return {
        "rows": rows,
        "posts": n_posts,
        "posts_without_purpose": int(counted.purpose.isna().sum()),
        "hours": round(total_hours, 2),
        "hours_attributed": round(total_att, 2),
        "engagements": total_eng,
    }


def q1(ws: Any, period: Period, con: Any = None, scorecard: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Q1 by purpose for a period, as plain data: `rows` (one per purpose, PURPOSES order),
    totals, the posts' purpose sources and the model's accuracy on held-back labels."""
    from smi.metrics.tables import TableCache
    from smi.purpose_model import evaluate

    if con is None:
        con = TableCache(ws.store.ibis())
    tz = ws.profile.organisation.timezone
    posts = post_rows(con, period, tz)
    inter = interaction_rows(con, period, tz)
    # weeks that straddle the period's edges: split by the whole week's posts
    from smi.metrics.period import Period as P

    first = period.start - timedelta(days=period.start.weekday())
    last = period.end + timedelta(days=6)
    wide = P(first, last, tz)
    hours = attribute_hours(effort_rows(con, period), post_rows(con, wide, tz), interaction_rows(con, wide, tz),
                            ws.profile)
    out = table(posts, inter, hours, ws.profile, scorecard)
    src = ws.store.rows(
        "SELECT coalesce(purpose_source, 'not set') AS s, count(*) AS n FROM posts "
        "WHERE list_contains(?, post_key) GROUP BY 1", [list(posts[posts.is_post].post_key)]) if len(posts) else []
    out["sources"] = {r["s"]: int(r["n"]) for r in src}
    out["model"] = evaluate(ws).as_dict()
    out["priorities"] = [p for p, r in sorted(ws.profile.purposes.items(),
                                              key=lambda kv: (getattr(kv[1], "priority", None) or 99))
                         if getattr(r, "priority", None) is not None]
    return out
