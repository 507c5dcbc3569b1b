"""Q3 Platforms: per platform, is it worth the time, is its audience growing, does it serve
the goals — read as keep / grow / reduce / reconsider.

Two tests per platform (one finding each, significant or not):
- efficiency: engagements per staff hour, week by week over the month and its three-month
  baseline, against the typical other platform (as the time detector measures it;
  Mann–Whitney on weekly rates, effect = ratio of the means).
- growth: the official accounts' daily net follower growth (per 1,000 followers) in the
  month against a forecast from the same platform's three baseline months: a regression of
  the days on a linear trend and weekday terms with a shift for the month, AR(1)
  standard errors (`stats.level_shift`). Days are not independent samples: a constant gain of
  followers a day makes growth per 1,000 fall smoothly as the audience grows, and that trend
  is no news; a change in pace is. Effect = the shift, a difference in followers per 1,000 a
  day. Not against other platforms: accounts grow at their own pace.
Both tests must also pass the minimum effect of their family (`efficiency`, `growth`;
smi.insights.thresholds): a test below it is returned with p = 1 (it still counts in the
month's number of tests, but cannot become a finding or a reading).
Goal contribution is context, not a test: each goal KPI's value on the platform this month
beside its target, in the evidence.

The reading (the same on both of a platform's findings), from the tests of that platform
with p < 0.05 ("up" = higher, "down" = lower; "-" = no significant test):

    efficiency \\ growth |  up         -           down
    up                  |  grow       grow        keep
    -                   |  grow       (nothing)   reconsider
    down                |  keep       reduce      reconsider

grow: put more in; keep: the time is earned (or the growth is), carry on as now; reduce:
spend less time there for the same output; reconsider: ask whether the platform still
serves the goals at all. The engine then keeps only findings whose q <= 0.05.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pandas as pd

from smi.errors import SmiError
from smi.insights.detectors import _posts
from smi.insights.detectors._posts import bar_chart, post_frame, window, window_msg, window_words
from smi.insights.detectors.practice import platform_name
from smi.insights.detectors.time import MIN_HOURS, effort_frame, week_of, weekly, weekly_rates
from smi.insights.engine import Context
from smi.insights.finding import Effect, Finding, make_finding
from smi.insights.registry import detector
from smi.insights.stats import Comparison, LevelShift, compare_values, level_shift
from smi.insights.thresholds import matters
from smi.messages import N_, M, Message, num_p, pct_p, platform_p, times_p
from smi.metrics.exposure import OWN_KINDS
from smi.metrics.period import Period

NAME = "platforms"
MIN_N = 10  # weeks (efficiency) or days (growth) a side
ALPHA = 0.05
EFFICIENCY = "engagements_per_staff_hour"
GROWTH = "net_follower_growth_per_1000"
READINGS = {
    ("higher", "higher"): "grow", ("higher", None): "grow", ("higher", "lower"): "keep",
    (None, "higher"): "grow", (None, "lower"): "reconsider",
    ("lower", "higher"): "keep", ("lower", None): "reduce", ("lower", "lower"): "reconsider",
}
ADVICE = {
    "grow": "Grow it: put more posts and time into {p}; it returns them.",
    "keep": "Keep {p} as it is: what it costs is earned by what it brings.",
    "reduce": "Reduce the time on {p}: plan fewer, better posts there and move the hours saved.",
    "reconsider": "Reconsider {p}: check whether it still serves a goal before putting more into it.",
}

TITLES = {
    "grow": N_("%(platform)s: grow it"),
    "keep": N_("%(platform)s: keep it as it is"),
    "reduce": N_("%(platform)s: reduce the time on it"),
    "reconsider": N_("%(platform)s: reconsider it"),
}
ADVICE_WORDS = {
    "grow": N_("Grow %(platform)s: put more posts and time into it next month (%(hours)s staff hours went "
               "there this period); it returns them."),
    "keep": N_("Keep %(platform)s as it is: what it costs (%(hours)s staff hours this period) is earned by "
               "what it brings."),
    "reduce": N_("Reduce the time on %(platform)s: plan fewer, better posts there and move some of its "
                 "%(hours)s staff hours to where they bring more."),
    "reconsider": N_("Reconsider %(platform)s: check whether it still serves a goal before putting more "
                     "time into it (%(hours)s staff hours this period)."),
}


def _title(r: str | None, platform: str, other: str) -> Message:
    return M(TITLES[r], platform=platform_p(platform)) if r else M(other, platform=platform_p(platform))


def _advice(r: str | None, platform: str, hours: float | None) -> Message:
    said = {"platform": platform_p(platform), "hours": num_p(round(hours)) if hours is not None else M("not available")}
    if r:
        return M(ADVICE_WORDS[r], **said)
    return M("No clear reading for %(platform)s yet: carry on and watch next month's report.", **said)


def _efficiency(ctx: Context, period: Period) -> dict[str, tuple[Comparison, dict[str, Any]]]:
    posts = _posts.official(post_frame(ctx, period, OWN_KINDS))  # the organisation's own
    effort = effort_frame(ctx, period)
    if posts.empty or effort.empty:
        return {}
    posts = posts[posts.engagements.notna()]
    posts = posts.assign(week=week_of(posts.published.dt.tz_localize(None)))
    platforms = sorted(set(posts.platform) & set(effort.platform.dropna()))
    out = {}
    for p in platforms:
        others = [q for q in platforms if q != p]
        if not others:
            continue
        mine_rates, rest = weekly_rates(posts, effort, p, others)  # as the time detector measures it
        if len(mine_rates) < MIN_N or len(rest) < MIN_N:
            continue
        c = compare_values(mine_rates, rest, seed=ctx.seed)
        mine = weekly(posts, effort, [p])
        mine = mine[mine.hours >= MIN_HOURS]
        if c.ratio is not None and c.ratio_ci is not None:
            out[p] = (c, {"hours": float(mine.hours.sum()), "engagements": float(mine.engagements.sum())})
    return out


def _daily_growth(ctx: Context, period: Period) -> pd.DataFrame:
    """Per platform and local day: net follower change per 1,000 followers of the official
    accounts (days where every official account has a count on the day and the day before)."""
    a = ctx.con.table("audience_daily")
    acc = ctx.con.table("accounts")
    acc = acc.filter(acc.is_official).select(_acc="account_id")
    a = a.join(acc, a.account_id == acc._acc)
    start = period.start - timedelta(days=1)
    a = a.filter((a.date >= start) & (a.date < period.end) & a.followers.notnull())
    df = a.select("platform", "account_id", "date", "followers").to_pandas()
    if df.empty:
        return df
    df = df.sort_values(["account_id", "date"])
    df["date"] = pd.to_datetime(df["date"])
    prev = df.groupby("account_id").followers.shift()
    gap = df.groupby("account_id")["date"].diff() == pd.Timedelta(days=1)
    df = df.assign(change=(df.followers - prev).where(gap), before=prev.where(gap)).dropna(subset=["change"])
    day = df.groupby(["platform", "date"]).agg(change=("change", "sum"), before=("before", "sum"),
                                               accounts=("account_id", "nunique"))
    day = day[day.before > 0].reset_index()
    return day.assign(value=1000 * day.change / day.before)


def _growth(ctx: Context) -> dict[str, tuple[LevelShift, dict[str, Any]]]:
    b_start, _ = ctx.baseline_range
    month = Period.month(ctx.month, ctx.timezone)
    days = _daily_growth(ctx, Period(b_start, month.end, ctx.timezone))
    out = {}
    for p, g in days.groupby("platform", sort=True):
        dates = g.date.dt.date
        now, before = g[dates >= month.start], g[dates < month.start]
        if len(now) < MIN_N or len(before) < max(MIN_N, 14):
            continue
        c = level_shift(before.date.tolist(), before.value.tolist(), now.date.tolist(), now.value.tolist())
        out[str(p)] = (c, {"gained_in_month": float(now.change.sum()), "followers": float(now.before.iloc[-1])})
    return out


def _goal_rows(ctx: Context, platform: str) -> list[dict[str, Any]]:
    """Each goal KPI's value on the platform this month, beside its target (context, not
    tested), counting the accounts the goal counts (official unless it says; smi.goals)."""
    from smi.goals import kpi_value
    from smi.metrics.registry import load_all

    catalogue = load_all()
    month = Period.month(ctx.month, ctx.timezone)
    rows = []
    for goal in ctx.profile.goals:
        for kpi in goal.kpis:
            if kpi.filter.get("platform", platform) != platform or set(kpi.filter) - {"platform"}:
                continue
            on = kpi.model_copy(update={"filter": {**kpi.filter, "platform": platform}})
            try:
                v = kpi_value(ctx.con, on, month, catalogue, ctx.profile.business_hours, goal.accounts)
            except (SmiError, KeyError, ValueError):
                continue
            if v is None:
                continue
            met = v >= kpi.target if kpi.direction == "higher" else v <= kpi.target
            rows.append({"group": f"goal: {goal.name}", "kpi": kpi.metric, "value": round(v, 4),
                         "target": kpi.target, "met": met})
    return rows


def _sign(c: Comparison | LevelShift | None) -> str | None:
    if c is None or c.p_value >= ALPHA:
        return None
    a, b = (c.observed, c.expected) if isinstance(c, LevelShift) else (c.mean_a, c.mean_b)
    return "higher" if a >= b else "lower"


def _efficiency_matters(ctx: Context, c: Comparison) -> bool:
    return matters("efficiency", ctx.profile, subject=c.mean_a, comparison=c.mean_b)


def _growth_matters(ctx: Context, c: LevelShift) -> bool:
    return matters("growth", ctx.profile, subject=c.observed, comparison=c.expected)


def reading(efficiency: Comparison | None, growth: Comparison | LevelShift | None) -> str | None:
    """keep / grow / reduce / reconsider from the platform's significant tests (see the table)."""
    return READINGS.get((_sign(efficiency), _sign(growth)))


@detector(name=NAME, question="Q3", min_n=MIN_N,
          description="Per platform: engagements per staff hour against the other platforms and follower "
                      "growth against its own baseline, read as keep / grow / reduce / reconsider.")
def platforms(ctx: Context) -> list[Finding]:
    period = window(ctx)
    words = window_words(period)
    eff, gro = _efficiency(ctx, period), _growth(ctx)
    out: list[Finding] = []
    for p in sorted(set(eff) | set(gro)):
        where = platform_name(p)
        e, g = eff.get(p), gro.get(p)
        # a test below its family's minimum effect gives no reading and no finding
        e_ok = e is not None and _efficiency_matters(ctx, e[0])
        g_ok = g is not None and _growth_matters(ctx, g[0])
        r = reading(e[0] if e_ok else None, g[0] if g_ok else None)  # type: ignore[index]
        hours = e[1].get("hours") if e is not None else None
        advice = _advice(r, p, hours)
        goals = [{**x, "group": M("goal: %(goal)s", goal=x["group"][6:])} for x in _goal_rows(ctx, p)]
        if e is not None:
            c, extra = e
            lo, hi = c.ratio_ci  # type: ignore[misc]
            eff_said = {"platform": platform_p(p), "a": num_p(round(c.mean_a)), "b": num_p(round(c.mean_b)),
                        "x": times_p(c.ratio), "pct": pct_p(1 - c.ratio), "n": c.n_a, "m": c.n_b,  # type: ignore[arg-type, operator]
                        "hours": num_p(round(extra["hours"])), "window": window_msg(period)}
            summary = (M("%(platform)s brought %(a)s engagements per staff hour, week by week, against %(b)s on "
                         "the typical other platform: %(x)s times as many (%(n)s against %(m)s weeks, %(hours)s staff "
                         "hours on %(platform)s, %(window)s).", **eff_said) if c.ratio >= 1 else  # type: ignore[operator]
                       M("%(platform)s brought %(a)s engagements per staff hour, week by week, against %(b)s on "
                         "the typical other platform: %(pct)s fewer (%(n)s against %(m)s weeks, %(hours)s staff "
                         "hours on %(platform)s, %(window)s).", **eff_said))
            evidence = [{"group": where, "weeks": c.n_a, "mean": round(c.mean_a, 1)},
                        {"group": M("other platforms"), "weeks": c.n_b, "mean": round(c.mean_b, 1)}]
            out.append(make_finding(
                detector=NAME, question="Q3", title=_title(r, p, N_("%(platform)s: engagement per staff hour")),
                summary=summary, metric=EFFICIENCY, subject={"dimension": "platform", "value": p},
                comparison=f"the typical other platform (the median of their weekly rates), week by week, {words}",
                direction="higher" if c.ratio >= 1 else "lower", effect=Effect("ratio", float(c.ratio)),  # type: ignore[operator]
                ci=(float(lo), float(hi)), p_value=float(c.p_value) if e_ok else 1.0, n=c.n_a,
                recommendation=advice, evidence=evidence + goals,
                chart=bar_chart(M("%(platform)s: engagements per staff hour", platform=platform_p(p)), evidence,
                                "group", "mean", M("average engagements per staff hour (weekly)")),
            ))
        if g is not None:
            c, extra = g
            lo, hi = c.shift_ci
            gained = round(extra["gained_in_month"])
            grown = {"platform": platform_p(p), "a": num_p(round(c.observed, 2)), "b": num_p(round(c.expected, 2)),
                     "month": {"month": ctx.month}, "gained": abs(gained)}
            summary = [M("%(platform)s's official accounts grew by %(a)s followers per 1,000 a day in %(month)s, "
                         "against %(b)s expected from the trend and weekdays of the three months before.", **grown),
                       (M("They gained %(gained)s followers in all this month.", **grown) if gained >= 0 else
                        M("They lost %(gained)s followers in all this month.", **grown))]
            evidence = [{"group": ctx.month, "days": c.n_month, "mean": round(c.observed, 3)},
                        {"group": M("expected from the three months before"), "days": c.n_base,
                         "mean": round(c.expected, 3)}]
            out.append(make_finding(
                detector=NAME, question="Q3", title=_title(r, p, N_("%(platform)s: follower growth")),
                summary=summary, metric=GROWTH, subject={"dimension": "platform", "value": p},
                comparison="a forecast from the same platform's three baseline months (trend and weekdays)",
                direction="higher" if c.shift >= 0 else "lower",
                effect=Effect("difference", float(c.shift)),
                ci=(float(lo), float(hi)), p_value=float(c.p_value) if g_ok else 1.0, n=c.n_month,
                recommendation=advice, evidence=evidence + goals,
                chart=bar_chart(M("%(platform)s: daily follower growth per 1,000", platform=platform_p(p)),
                                [{**x, "group": M("%(month)s", month={"month": x["group"]}) if x["group"] == ctx.month
                                  else x["group"]} for x in evidence],
                                "group", "mean", M("net new followers per 1,000 a day")),
            ))
    return out
