"""Q5 Time: platforms whose share of staff hours is far above their share of the results.

Over the month and its three-month baseline, week by week (local weeks, Monday first):
engagements per staff hour on a platform (engagements of its posts published that week /
hours logged on it that week) against the typical other platform (each week, the median of
the other platforms' rates; pooled, one time sink would make every other platform look
efficient). Weeks
with less than MIN_HOURS logged on a side are left out of that side. Two-sided
Mann–Whitney on the weekly rates (stats.compare_values), effect = ratio of the mean weekly
rates; one finding per platform tested.

Why weekly rates and not one exact rate test over the whole window: engagements come in
bursts (one post can bring hundreds), so a Poisson test on the totals calls almost any
difference significant. Weeks are the unit that varies.

A test must also reach the `efficiency` minimum effect (smi.insights.thresholds): weekly
rates 10% apart are no reason to move staff time; one below it is returned with p = 1.

Platforms that give no engagement counts (e.g. a Mastodon archive) are not tested: their
time cannot be set against results. Activities (create, engage, …) have no results of
their own; the hours per activity on the platform are in the evidence.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from smi.insights.detectors._posts import (
    bar_chart,
    official,
    post_frame,
    times,
    window,
    window_words,
)
from smi.insights.detectors.practice import platform_name
from smi.insights.engine import Context
from smi.insights.finding import Effect, Finding
from smi.insights.registry import detector
from smi.insights.stats import compare_values
from smi.insights.thresholds import matters
from smi.metrics.exposure import OWN_KINDS

NAME = "time"
MIN_N = 10  # weeks a side
MIN_HOURS = 1.0  # hours in a week for that week's rate to count
METRIC = "engagements_per_staff_hour"


def week_of(d: pd.Series) -> pd.Series:
    d = pd.to_datetime(d)
    return (d - pd.to_timedelta(d.dt.day_of_week, unit="D")).dt.date


def effort_frame(ctx: Context, period: Any) -> pd.DataFrame:
    """Time-log rows in the period (local dates): platform, activity, minutes, week."""
    e = ctx.con.table("effort")
    e = e.filter((e.date >= period.start) & (e.date < period.end) & e.minutes.notnull())
    df = e.select("platform", "activity", "minutes", "date").to_pandas()
    return df.assign(week=week_of(df["date"]) if len(df) else pd.Series(dtype=object))


def weekly(posts: pd.DataFrame, effort: pd.DataFrame, platforms: list[str]) -> pd.DataFrame:
    """Per week: engagements and hours of `platforms` together."""
    p = posts[posts.platform.isin(platforms)]
    e = effort[effort.platform.isin(platforms)]
    eng = p.groupby("week").engagements.sum()
    hours = e.groupby("week").minutes.sum() / 60
    return pd.DataFrame({"engagements": eng, "hours": hours}).fillna(0.0)


def weekly_rates(posts: pd.DataFrame, effort: pd.DataFrame, platform: str,
                 others: list[str]) -> tuple[list[float], list[float]]:
    """Engagements per staff hour week by week: the platform's, and the typical other
    platform's (the median of the other platforms' rates that week). Weeks with less than
    MIN_HOURS on a platform leave that platform out of that week.

    The median, not the other platforms pooled: one platform that takes far more hours for
    its results (a time sink) would drag a pooled rate down and make every other platform
    look efficient against it; the typical platform stays put."""
    mine = weekly(posts, effort, [platform])
    mine = mine[mine.hours >= MIN_HOURS]
    per = []
    for q in others:
        w = weekly(posts, effort, [q])
        w = w[w.hours >= MIN_HOURS]
        per.append((w.engagements / w.hours).rename(q))
    rest = pd.concat(per, axis=1).median(axis=1, skipna=True).dropna() if per else pd.Series(dtype=float)
    return (mine.engagements / mine.hours).tolist(), rest.tolist()


def _finding(ctx: Context, platform: str, posts: pd.DataFrame, effort: pd.DataFrame,
             others: list[str], words: str) -> Finding | None:
    mine, rest = weekly_rates(posts, effort, platform, others)
    if len(mine) < MIN_N or len(rest) < MIN_N:
        return None
    c = compare_values(mine, rest, seed=ctx.seed)
    if c.ratio is None or c.ratio_ci is None:
        return None
    where = platform_name(platform)
    lo, hi = c.ratio_ci
    direction = "higher" if c.ratio >= 1 else "lower"
    counted = posts.platform.isin([platform, *others])
    all_hours = effort[effort.platform.isin([platform, *others])].minutes.sum() / 60
    all_eng = posts[counted].engagements.sum()
    h = effort[effort.platform == platform].minutes.sum() / 60
    eng = posts[posts.platform == platform].engagements.sum()
    h_share = h / all_hours if all_hours else 0.0
    e_share = eng / all_eng if all_eng else 0.0
    summary = (f"{where} took {h_share:.0%} of the staff hours on the platforms compared ({h:,.0f} of {all_hours:,.0f} h) "
               f"for {e_share:.0%} of the engagements ({eng:,.0f} of {all_eng:,.0f}), {words}: "
               f"{times(c.ratio)} the engagements per staff hour of the typical other platform, week by week "
               f"({c.mean_a:.0f} vs {c.mean_b:.0f}; 95% CI {lo:.1f}–{hi:.1f}×; {c.n_a} vs {c.n_b} weeks).")
    if direction == "lower":
        rec = (f"Look at where the {h:,.0f} hours on {where} go (by activity below): cut or streamline the work "
               f"that brings little back, or move some of that time to platforms that return more.")
    else:
        rec = f"{where} returns more per hour than the rest: protect the time spent there."
    by_activity = effort[effort.platform == platform].groupby("activity").minutes.sum().sort_values(ascending=False)
    evidence = [
        {"group": where, "hours": round(h, 1), "engagements": int(eng),
         "engagements_per_hour": round(eng / h, 1) if h else None},
        {"group": "other platforms", "hours": round(all_hours - h, 1), "engagements": int(all_eng - eng),
         "engagements_per_hour": round((all_eng - eng) / (all_hours - h), 1) if all_hours - h else None},
        *[{"group": f"{where}: {a}", "hours": round(m / 60, 1)} for a, m in by_activity.items()],
    ]
    chart_rows = [{"group": where, "share": "hours", "value": round(h_share, 3)},
                  {"group": where, "share": "engagements", "value": round(e_share, 3)}]
    chart = bar_chart(f"{where}: share of hours and of engagements", chart_rows, "share", "value", "share")
    chart["encoding"]["y"]["axis"] = {"format": "%"}
    return Finding(
        detector=NAME, question="Q5",
        title=f"{where} {'takes much time for little return' if direction == 'lower' else 'returns more per hour'}",
        summary=summary, metric=METRIC, subject={"dimension": "platform", "value": platform},
        comparison=f"the typical other platform (the median of their weekly rates), week by week, {words}",
        direction=direction, effect=Effect("ratio", float(c.ratio)), ci=(float(lo), float(hi)),
        p_value=float(c.p_value) if matters("efficiency", ctx.profile, subject=c.mean_a, comparison=c.mean_b) else 1.0,
        n=c.n_a, recommendation=rec, evidence=evidence, chart=chart,
    )


@detector(name=NAME, question="Q5", min_n=MIN_N,
          description="Platforms whose engagements per staff hour are far below (or above) the other "
                      "platforms', week by week (month and three-month baseline).")
def time(ctx: Context) -> list[Finding]:
    period = window(ctx)
    posts = official(post_frame(ctx, period, OWN_KINDS))  # the organisation's own, as Q3 counts them
    effort = effort_frame(ctx, period)
    if posts.empty or effort.empty:
        return []
    posts = posts[posts.engagements.notna()]
    posts = posts.assign(week=week_of(posts.published.dt.tz_localize(None)))
    # only platforms with engagement counts and logged hours can be set against each other
    platforms = sorted(set(posts.platform) & set(effort.platform.dropna()))
    out: list[Finding] = []
    for platform in platforms:
        others = [p for p in platforms if p != platform]
        if not others:
            continue
        f = _finding(ctx, platform, posts, effort, others, window_words(period))
        if f is not None:
            out.append(f)
    return out
