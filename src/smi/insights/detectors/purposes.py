"""Q1 Fit: a purpose getting far more staff hours than results, and a priority purpose neglected.

Both read the purposes of the official accounts' own posts (smi.purposes; `smi purposes
apply`, `smi label`) and the staff hours by purpose as smi.purpose_q1 attributes them (a
time-log note the purpose rules match; else create/plan hours split by that week's posts on
the platform, engage hours by that week's interactions there; the rest not attributed).

**Hours against results.** Over the month and its three-month baseline, week by week (local
weeks, Monday first): a purpose's engagements per attributed staff hour (engagements of its
posts published that week / its hours that week) against the typical other purpose (each
week, the median of the other purposes' rates). Weeks with less than MIN_HOURS on a side
are left out of that side; only platforms that give engagement counts are counted (their
hours and their posts). Two-sided Mann–Whitney on the weekly rates (stats.compare_values),
effect = ratio of the mean weekly rates, tested with at least MIN_N weeks a side; a ratio
short of the `efficiency` minimum effect (smi.insights.thresholds) is returned with p = 1.
Measure: `engagements_per_purpose_hour` (this detector's, defined here).

**Priority neglected.** For each purpose the profile gives a `priority`: its share of the
month's official posts (originals and quotes, as the catalogue's `posts`) that have a purpose, against the `share` the profile wants for it
(exact binomial test, one-sided: lower; effect = share / target, Wilson interval over the
target), or with no `share` set, against its share over the three months before (Fisher's
exact test, one-sided: lower; effect = ratio of shares; interval from Newcombe's interval
of the difference, over the baseline share). Tested with at least MIN_POSTS posts in the month
(and in the baseline when it is the comparison). Returned with p = 1 unless the share is at
most NEGLECTED of the comparison and the move passes the `rates` minimum effect.
Measure: `share_of_posts_by_purpose` (this detector's, defined here).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pandas as pd
import scipy.stats as sps

from smi.insights.detectors._posts import bar_chart, window, window_words
from smi.insights.engine import Context
from smi.insights.finding import Effect, Finding
from smi.insights.registry import detector
from smi.insights.stats import compare_proportions, compare_values, wilson_interval
from smi.insights.thresholds import matters
from smi.metrics.period import Period
from smi.profile import PURPOSES

NAME = "purposes"
MIN_N = 10  # weeks a side
MIN_HOURS = 1.0  # attributed hours in a week for that week's rate to count
MIN_POSTS = 20  # official posts with a purpose in the month (and the baseline) to test a share
NEGLECTED = 0.5  # a share at most half its comparison
HOURS_METRIC = "engagements_per_purpose_hour"
SHARE_METRIC = "share_of_posts_by_purpose"


def _frames(ctx: Context) -> tuple[pd.DataFrame, pd.DataFrame, Period]:
    """Posts (with engagement counts) and attributed hours by week and purpose, over the window."""
    from smi.purpose_q1 import attribute_hours, effort_rows, interaction_rows, post_rows

    key = (NAME, "frames")
    if key not in ctx._cache:
        period = window(ctx)
        tz = ctx.timezone
        first = period.start - timedelta(days=period.start.weekday())
        wide = Period(first, period.end + timedelta(days=6), tz)
        posts = post_rows(ctx.con, wide, tz)
        effort = effort_rows(ctx.con, period)
        counted = sorted(set(posts[posts.engagements.notna()].platform))
        effort = effort[effort.platform.isin(counted)]
        hours = attribute_hours(effort, posts, interaction_rows(ctx.con, wide, tz), ctx.profile)
        in_window = posts[(posts.week >= first) & (posts.published_at.notna())]
        local = pd.to_datetime(in_window["published_at"], utc=True).dt.tz_convert(tz).dt.date
        in_window = in_window[(local >= period.start) & (local < period.end)]
        ctx._cache[key] = (in_window[in_window.platform.isin(counted)], hours, period)
    return ctx._cache[key]


def weekly_rates(posts: pd.DataFrame, hours: pd.DataFrame, purpose: str) -> tuple[list[float], list[float]]:
    """Engagements per attributed hour week by week: the purpose's, and the typical other
    purpose's (that week's median over the other purposes with MIN_HOURS or more)."""
    eng = posts[posts.purpose.notna()].groupby(["week", "purpose"]).engagements.sum()
    h = hours[hours.purpose.notna()].groupby(["week", "purpose"]).hours.sum()
    both = pd.DataFrame({"engagements": eng, "hours": h}).fillna(0.0)
    both = both[both.hours >= MIN_HOURS]
    rate = (both.engagements / both.hours).rename("rate").reset_index()
    mine = rate[rate.purpose == purpose]
    rest = rate[rate.purpose != purpose].groupby("week").rate.median()
    return mine.rate.tolist(), rest.tolist()


def _hours_finding(ctx: Context, purpose: str, posts: pd.DataFrame, hours: pd.DataFrame,
                   words: str) -> Finding | None:
    mine, rest = weekly_rates(posts, hours, purpose)
    if len(mine) < MIN_N or len(rest) < MIN_N:
        return None
    c = compare_values(mine, rest, seed=ctx.seed)
    if c.ratio is None or c.ratio_ci is None:
        return None
    lo, hi = c.ratio_ci
    direction = "higher" if c.ratio >= 1 else "lower"
    att = hours[hours.purpose.notna()]
    all_h = float(att.hours.sum())
    h = float(att[att.purpose == purpose].hours.sum())
    all_e = float(posts[posts.purpose.notna()].engagements.fillna(0).sum())
    e = float(posts[posts.purpose == purpose].engagements.fillna(0).sum())
    h_share = h / all_h if all_h else 0.0
    e_share = e / all_e if all_e else 0.0
    summary = (f"Posts to {purpose} took {h_share:.0%} of the staff hours given to a purpose ({h:,.0f} of {all_h:,.0f} h) "
               f"for {e_share:.0%} of the engagements ({e:,.0f} of {all_e:,.0f}), {words}: "
               f"{c.ratio:.2f}× the engagements per staff hour of the typical other purpose, week by week "
               f"({c.mean_a:.1f} vs {c.mean_b:.1f}; 95% CI {lo:.2f}–{hi:.2f}×; {c.n_a} vs {c.n_b} weeks).")
    if direction == "lower":
        rec = (f"The work to {purpose} takes far more hours than it returns: look at what those {h:,.0f} hours "
               f"go on, and try a cheaper way to {purpose} (fewer, better posts) or move time to a priority.")
    else:
        rec = f"The work to {purpose} returns more per hour than the rest: protect the time it gets."
    chart = bar_chart(f"{purpose}: share of hours and of engagements",
                      [{"share": "hours", "value": round(h_share, 3)},
                       {"share": "engagements", "value": round(e_share, 3)}], "share", "value", "share")
    chart["encoding"]["y"]["axis"] = {"format": "%"}
    return Finding(
        detector=NAME, question="Q1",
        title=f"{purpose.capitalize()} {'takes far more hours than results' if direction == 'lower' else 'returns more per hour'}",
        summary=summary, metric=HOURS_METRIC, subject={"dimension": "purpose", "value": purpose},
        comparison=f"the typical other purpose (the median of their weekly rates), week by week, {words}",
        direction=direction, effect=Effect("ratio", float(c.ratio)), ci=(float(lo), float(hi)),
        p_value=float(c.p_value) if matters("efficiency", ctx.profile, subject=c.mean_a, comparison=c.mean_b) else 1.0,
        n=c.n_a, recommendation=rec, chart=chart,
        evidence=[{"purpose": purpose, "hours": round(h, 1), "engagements": int(e),
                   "engagements_per_hour": round(e / h, 1) if h else None},
                  {"purpose": "other purposes", "hours": round(all_h - h, 1), "engagements": int(all_e - e),
                   "engagements_per_hour": round((all_e - e) / (all_h - h), 1) if all_h - h else None}],
    )


def _month_posts(ctx: Context, first: Any, end: Any) -> pd.DataFrame:
    from smi.purpose_q1 import post_rows

    df = post_rows(ctx.con, Period(first, end, ctx.timezone), ctx.timezone)
    return df[df.purpose.notna() & df.is_post]


def _neglected(ctx: Context) -> list[Finding]:
    priorities = {p: r for p, r in ctx.profile.purposes.items() if r.priority is not None}
    if not priorities:
        return []
    m_first = ctx.first_day
    m_end = date_after(ctx)
    b_first, b_last = ctx.baseline_range
    month = _month_posts(ctx, m_first, m_end)
    n = len(month)
    if n < MIN_POSTS:
        return []
    base = _month_posts(ctx, b_first, b_last + timedelta(days=1))
    out = []
    for purpose, rule in sorted(priorities.items(), key=lambda kv: (kv[1].priority, PURPOSES.index(kv[0]))):
        k = int((month.purpose == purpose).sum())
        share = k / n
        if rule.share is not None:
            p0 = float(rule.share)
            p = float(sps.binomtest(k, n, p0, alternative="less").pvalue)
            lo, hi = wilson_interval(k, n)
            ci = (lo / p0, hi / p0)
            comparison = f"the share the profile wants for it ({p0:.0%})"
            said = f"the {p0:.0%} you set for it"
            n0 = k0 = None
        else:
            n0 = len(base)
            k0 = int((base.purpose == purpose).sum())
            if n0 < MIN_POSTS or k0 == 0:
                continue
            p0 = k0 / n0
            c = compare_proportions(k, n, k0, n0)
            p = float(sps.fisher_exact([[k, n - k], [k0, n0 - k0]], alternative="less").pvalue)
            ci = (max(0.0, (p0 + c.difference_ci[0]) / p0), (p0 + c.difference_ci[1]) / p0)
            comparison = f"its share of the official posts over the three months before ({p0:.0%})"
            said = f"{p0:.0%} over the three months before ({k0:,} of {n0:,})"
        ratio = share / p0
        if not (ratio <= NEGLECTED and matters("rates", ctx.profile, subject=share, comparison=p0)):
            p = 1.0
        summary = (f"{purpose.capitalize()} is priority {rule.priority} in your profile; {k:,} of the {n:,} "
                   f"official posts of {m_first:%B %Y} with a purpose served it: {share:.0%} (95% CI "
                   f"{ci[0] * p0:.0%}–{min(1.0, ci[1] * p0):.0%}), against {said}.")
        out.append(Finding(
            detector=NAME, question="Q1",
            title=(f"Priority purpose neglected: {purpose}" if ratio <= NEGLECTED
                   else f"Priority purpose {purpose}: share of posts against its aim"),
            summary=summary, metric=SHARE_METRIC, subject={"dimension": "purpose", "value": purpose},
            comparison=comparison, direction="lower" if ratio < 1 else "higher",
            effect=Effect("ratio", ratio), ci=ci, p_value=min(1.0, max(0.0, p)), n=n,
            recommendation=(f"Plan posts that {purpose} for next month (a {p0:.0%} share would be about "
                            f"{round(p0 * n):,} of {n:,}), or change its priority in workspace.toml if it has moved."),
            evidence=[{"period": "this month", "posts": n, "purpose_posts": k, "share": round(share, 3)},
                      {"period": "comparison", "posts": n0, "purpose_posts": k0, "share": round(p0, 3)}],
        ))
    return out


def date_after(ctx: Context) -> Any:
    """The first day after the month."""
    y, m = ctx.first_day.year, ctx.first_day.month
    return ctx.first_day.replace(year=y + (m == 12), month=m % 12 + 1)


@detector(name=NAME, question="Q1", min_n=MIN_N,
          description="Purposes whose engagements per staff hour are far below (or above) the other "
                      "purposes', week by week (month and three-month baseline), and priority purposes "
                      "whose share of the official posts fell far below the profile's aim or the three "
                      "months before.")
def purposes(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    posts, hours, period = _frames(ctx)
    if len(posts) and len(hours):
        words = window_words(period)
        for purpose in PURPOSES[:-1]:  # not "other": nothing to change about it
            f = _hours_finding(ctx, purpose, posts, hours, words)
            if f is not None:
                out.append(f)
    return out + _neglected(ctx)
