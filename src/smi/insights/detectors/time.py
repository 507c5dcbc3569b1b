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
    window,
    window_msg,
    window_words,
)
from smi.insights.detectors.practice import platform_name
from smi.insights.engine import Context
from smi.insights.finding import Effect, Finding, make_finding
from smi.insights.registry import detector
from smi.insights.stats import compare_values
from smi.insights.thresholds import matters
from smi.messages import N_, M, num_p, pct_p, platform_p
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


ACTIVITY_WORDS = {"create": N_("making posts"), "engage": N_("answering and engaging"),
                  "monitor": N_("monitoring"), "plan": N_("planning"), "report": N_("reporting"),
                  "learn": N_("learning")}


def _finding(ctx: Context, platform: str, posts: pd.DataFrame, effort: pd.DataFrame,
             others: list[str], words: str, period: Any = None) -> Finding | None:
    comparison = words
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
    by_activity = effort[effort.platform == platform].groupby("activity").minutes.sum().sort_values(ascending=False)
    said: dict[str, Any] = {
        "platform": platform_p(platform), "h_share": pct_p(h_share), "e_share": pct_p(e_share),
        "h": num_p(round(h)), "all_hours": num_p(round(all_hours)), "eng": num_p(round(eng)),
        "all_eng": num_p(round(all_eng)), "a": num_p(round(c.mean_a)), "b": num_p(round(c.mean_b)),
        "window": window_msg(period) if period is not None else M("%(words)s", words=words),
    }
    summary = M("%(platform)s took %(h_share)s of the staff hours on the platforms compared (%(h)s of %(all_hours)s "
                "hours) for %(e_share)s of the engagements (%(eng)s of %(all_eng)s), %(window)s: %(a)s engagements "
                "per staff hour, week by week, against %(b)s on the typical other platform.", **said)
    if len(by_activity):
        top, top_min = str(by_activity.index[0]), float(by_activity.iloc[0])
        said.update(activity=M(ACTIVITY_WORDS.get(top, top)), activity_h=num_p(round(top_min / 60)))
    if direction == "lower":
        rec = (M("Look at where the %(h)s hours on %(platform)s go: most went to %(activity)s (%(activity_h)s "
                 "hours). Cut or streamline the work there that brings little back, or move some of that time "
                 "to a platform that returns more.", **said) if "activity" in said else
               M("Look at where the %(h)s hours on %(platform)s go: cut or streamline the work that brings little "
                 "back, or move some of that time to a platform that returns more.", **said))
        title = M("%(platform)s takes much time for little return", **said)
    else:
        rec = M("%(platform)s returns more per hour than the rest: protect the %(h)s hours spent there.", **said)
        title = M("%(platform)s returns more per hour", **said)
    evidence = [
        {"group": where, "hours": round(h, 1), "engagements": int(eng),
         "engagements_per_hour": round(eng / h, 1) if h else None},
        {"group": M("other platforms"), "hours": round(all_hours - h, 1), "engagements": int(all_eng - eng),
         "engagements_per_hour": round((all_eng - eng) / (all_hours - h), 1) if all_hours - h else None},
        *[{"group": M("%(platform)s: %(activity)s", platform=platform_p(platform),
                      activity=M(ACTIVITY_WORDS.get(str(a), str(a)))), "hours": round(m / 60, 1)}
          for a, m in by_activity.items()],
    ]
    chart_rows = [{"group": where, "share": M("share of staff hours"), "value": round(h_share, 3)},
                  {"group": where, "share": M("share of engagements"), "value": round(e_share, 3)}]
    chart = bar_chart(M("%(platform)s: share of hours and of engagements", **said), chart_rows, "share", "value",
                      M("share"))
    chart["encoding"]["y"]["axis"] = {"format": "%"}
    del words
    return make_finding(
        detector=NAME, question="Q5",
        title=title,
        summary=summary, metric=METRIC, subject={"dimension": "platform", "value": platform},
        comparison=f"the typical other platform (the median of their weekly rates), week by week, {comparison}",
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
        f = _finding(ctx, platform, posts, effort, others, window_words(period), period)
        if f is not None:
            out.append(f)
    return out
