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
Only a purpose returning less than the others is a finding (a purpose returning more is the
mirror of that, one fact stated once).
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

from smi.insights.detectors._posts import window, window_msg, window_words
from smi.insights.engine import Context
from smi.insights.finding import Effect, Finding, bar_chart, make_finding
from smi.insights.registry import detector
from smi.insights.stats import compare_proportions, compare_values, wilson_interval
from smi.insights.thresholds import matters
from smi.messages import N_, M, Message, P, month_p, num_p, pct_p
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


PURPOSE_WORDS = {"promote": N_("promote"), "serve customers": N_("serve customers"),
                 "develop products": N_("develop what we offer"), "collaborate": N_("collaborate"), "other": N_("other")}


def purpose_m(purpose: str) -> Message:
    """A purpose's name as a message (the catalogue says it in the edition's language)."""
    return M(PURPOSE_WORDS.get(purpose, purpose))


def _rate(e: float, h: float) -> float | None:
    return round(e / h, 1) if h else None


def _said_rate(v: float) -> dict[str, float]:
    return num_p(round(v) if abs(v) >= 10 else round(v, 1))


def _hours_finding(ctx: Context, purpose: str, posts: pd.DataFrame, hours: pd.DataFrame,
                   words: str, period: Period) -> Finding | None:
    mine, rest = weekly_rates(posts, hours, purpose)
    if len(mine) < MIN_N or len(rest) < MIN_N:
        return None
    c = compare_values(mine, rest, seed=ctx.seed)
    if c.ratio is None or c.ratio_ci is None:
        return None
    if c.ratio >= 1:
        # Only the costly side is a finding: a purpose that returns more per hour is the mirror
        # of the others returning less (one fact, said once, issue 10), and in the demo without
        # planted effects it was the only Q1 finding ("promote returns more per hour").
        return None
    lo, hi = c.ratio_ci
    direction = "lower"
    att = hours[hours.purpose.notna()]
    all_h = float(att.hours.sum())
    h = float(att[att.purpose == purpose].hours.sum())
    all_e = float(posts[posts.purpose.notna()].engagements.fillna(0).sum())
    e = float(posts[posts.purpose == purpose].engagements.fillna(0).sum())
    h_share = h / all_h if all_h else 0.0
    e_share = e / all_e if all_e else 0.0
    # each other purpose given hours: its hours, engagements and engagements per hour (the evidence)
    others = []
    for q in PURPOSES:
        qh = float(att[att.purpose == q].hours.sum())
        if q == purpose or qh <= 0:
            continue
        qe = float(posts[posts.purpose == q].engagements.fillna(0).sum())
        others.append({"group": purpose_m(q), "hours": round(qh, 1), "engagements": int(qe),
                       "engagements_per_hour": _rate(qe, qh), "_purpose": q})
    others.sort(key=lambda r: -(r["engagements_per_hour"] or 0.0))
    said: dict[str, Any] = {
        "purpose": purpose_m(purpose), "h_share": pct_p(h_share), "e_share": pct_p(e_share),
        "h": num_p(round(h)), "all_h": num_p(round(all_h)), "e": num_p(round(e)), "all_e": num_p(round(all_e)),
        "a": _said_rate(c.mean_a), "b": _said_rate(c.mean_b), "window": window_msg(period),
    }
    summary = M("Work to %(purpose)s took %(h_share)s of the staff hours given to a purpose (%(h)s of %(all_h)s "
                "hours) for %(e_share)s of the engagements (%(e)s of %(all_e)s), %(window)s: %(a)s engagements per "
                "staff hour, week by week, against %(b)s for the typical other purpose.", **said)
    title = M("Work to %(purpose)s takes far more hours than results", **said)
    # where the time could go: the first priority purpose that returns more per hour, else the best other
    mine_rate = e / h if h else 0.0
    ranked = sorted(((r.priority, q) for q, r in ctx.profile.purposes.items()
                     if r.priority is not None and q != purpose), key=lambda t: (t[0], PURPOSES.index(t[1])
                                                                               if t[1] in PURPOSES else 99))
    rates = {r["_purpose"]: r["engagements_per_hour"] for r in others}
    target = next((q for _, q in ranked if (rates.get(q) or 0.0) > mine_rate), None)
    best = others[0] if others and (others[0]["engagements_per_hour"] or 0.0) > mine_rate else None
    if target is not None:
        rec = M("The %(h)s staff hours given to work to %(purpose)s, %(window)s, brought little back: look at "
                "what those hours go on, try a cheaper way to %(purpose)s (fewer, better posts), and move some "
                "of the time to %(to)s, your priority %(priority)s (%(to_rate)s engagements per staff hour).",
                to=purpose_m(target), priority=ctx.profile.purposes[target].priority,
                to_rate=num_p(rates[target] or 0.0), **said)
    elif best is not None:
        rec = M("The %(h)s staff hours given to work to %(purpose)s, %(window)s, brought little back: look at "
                "what those hours go on, try a cheaper way to %(purpose)s (fewer, better posts), or move some of "
                "the time to %(to)s (%(to_rate)s engagements per staff hour).",
                to=purpose_m(best["_purpose"]), to_rate=num_p(best["engagements_per_hour"] or 0.0), **said)
    else:
        rec = M("The %(h)s staff hours given to work to %(purpose)s, %(window)s, brought little back: look at "
                "what those hours go on, and try a cheaper way to %(purpose)s (fewer, better posts).", **said)
    chart_rows = [{"share": M("share of staff hours"), "value": round(h_share, 3)},
                  {"share": M("share of engagements"), "value": round(e_share, 3)}]
    chart = bar_chart(M("Work to %(purpose)s: share of staff hours and of engagements", **said), chart_rows,
                      "share", "value", M("share"))
    chart["encoding"]["y"]["axis"] = {"format": "%"}
    evidence = [{"group": purpose_m(purpose), "hours": round(h, 1), "engagements": int(e),
                 "engagements_per_hour": _rate(e, h)},
                *[{k: v for k, v in r.items() if k != "_purpose"} for r in others]]
    return make_finding(
        detector=NAME, question="Q1", title=title,
        summary=summary, metric=HOURS_METRIC, subject={"dimension": "purpose", "value": purpose},
        comparison=f"the typical other purpose (the median of their weekly rates), week by week, {words}",
        direction=direction, effect=Effect("ratio", float(c.ratio)), ci=(float(lo), float(hi)),
        p_value=float(c.p_value) if matters("efficiency", ctx.profile, subject=c.mean_a, comparison=c.mean_b) else 1.0,
        n=c.n_a, recommendation=rec, chart=chart, evidence=evidence,
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
        ratio = share / p0
        if not (ratio <= NEGLECTED and matters("rates", ctx.profile, subject=share, comparison=p0)):
            p = 1.0
        said: dict[str, Any] = {"purpose": purpose_m(purpose), "priority": rule.priority, "k": k,
                                "month": month_p(m_first.isoformat()), "share": pct_p(share), "target": pct_p(p0),
                                "want": round(p0 * n)}
        if rule.share is not None:
            summary = P("Your profile gives %(purpose)s priority %(priority)s; %(k)s of the %(n)s official post of "
                        "%(month)s with a purpose served it (%(share)s), against the %(target)s you want for it.",
                        "Your profile gives %(purpose)s priority %(priority)s; %(k)s of the %(n)s official posts of "
                        "%(month)s with a purpose served it (%(share)s), against the %(target)s you want for it.",
                        n, **said)
            rec = P("Plan posts to %(purpose)s for next month: %(target)s of this month's %(n)s post would have been "
                    "about %(want)s, against the %(k)s there were. If its priority has moved, change it in "
                    "workspace.toml.",
                    "Plan posts to %(purpose)s for next month: %(target)s of this month's %(n)s posts would have been "
                    "about %(want)s, against the %(k)s there were. If its priority has moved, change it in "
                    "workspace.toml.", n, **said)
            before_label = M("the share you want")
        else:
            said.update(k0=num_p(k0), n0=num_p(n0))
            summary = P("Your profile gives %(purpose)s priority %(priority)s; %(k)s of the %(n)s official post of "
                        "%(month)s with a purpose served it (%(share)s), against %(target)s over the three months "
                        "before (%(k0)s of %(n0)s).",
                        "Your profile gives %(purpose)s priority %(priority)s; %(k)s of the %(n)s official posts of "
                        "%(month)s with a purpose served it (%(share)s), against %(target)s over the three months "
                        "before (%(k0)s of %(n0)s).", n, **said)
            rec = P("Plan posts to %(purpose)s for next month: at its share of the three months before, this "
                    "month's %(n)s post would have held about %(want)s, against the %(k)s there were. If its "
                    "priority has moved, change it in workspace.toml.",
                    "Plan posts to %(purpose)s for next month: at its share of the three months before, this "
                    "month's %(n)s posts would have held about %(want)s, against the %(k)s there were. If its "
                    "priority has moved, change it in workspace.toml.", n, **said)
            before_label = M("the three months before")
        out.append(make_finding(
            detector=NAME, question="Q1",
            title=(M("Priority purpose neglected: %(purpose)s", **said) if ratio <= NEGLECTED
                   else M("Priority purpose %(purpose)s: share of posts against its aim", **said)),
            summary=summary, metric=SHARE_METRIC, subject={"dimension": "purpose", "value": purpose},
            comparison=comparison, direction="lower" if ratio < 1 else "higher",
            effect=Effect("ratio", ratio), ci=ci, p_value=min(1.0, max(0.0, p)), n=n,
            recommendation=rec,
            evidence=[{"period": M("this month"), "posts": k, "of": n, "share": round(share, 3)},
                      {"period": before_label, "posts": k0, "of": n0, "share": round(p0, 3)}],
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
            f = _hours_finding(ctx, purpose, posts, hours, words, period)
            if f is not None:
                out.append(f)
    return out + _neglected(ctx)
