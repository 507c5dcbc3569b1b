"""Q7 success: each goal KPI of the profile against its target and against its own baseline.

For the KPI's window ending with the month (its `period`: month, quarter or year; see
smi.goals) and the baseline (the three months before the window), narrowed by the KPI's
filter:

- **counts** (catalogue counts such as `posts`, and counts of questions): against the target,
  an exact Poisson test of the count with the target as its expected value (two-sided,
  effect = count / target, exact Garwood 95% interval); against the baseline, the exact
  test of equal rates per day (`compare_rates`, exposure = days). n = days in the window.
- **per-post rates** (the metrics with a per-post definition, e.g.
  `engagement_rate_impressions`, `click_through_rate`; see smi.practice.evaluate.PER_POST):
  against the target, the KPI's own value (ratio of sums over the window's posts) with a
  bootstrap over posts (2,000 resamples, seeded): effect = value / target, percentile 95%
  interval, two-sided bootstrap p-value; against the baseline, Mann–Whitney U on the per-post
  values with a bootstrap interval of the ratio of means (`compare_values`). n = posts with
  the numbers; no test below MIN_N posts a side.
- against the baseline, the change must also reach its family's minimum effect (`counts` for
  counts, per day; `rates` for per-post rates below 1, `per_post` above; smi.insights.thresholds);
  one below it is returned with p = 1. Against a target no minimum applies: the target is the
  organisation's own line.
- other KPIs (levels such as `followers`, medians of response times) get no test here: there
  is no sample to test them on honestly (`smi goals` shows them against the target; the
  service detector tests response times).
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import numpy as np
from scipy import stats as sps

from smi.goals import PERIOD_MONTHS, kpi_value, window
from smi.insights.finding import Effect, Finding, bar_chart, make_finding
from smi.insights.registry import detector
from smi.insights.stats import compare_rates, compare_values
from smi.insights.thresholds import matters
from smi.messages import M, metric_p, month_p, platform_p
from smi.metrics.engagement import post_rows
from smi.metrics.period import Period
from smi.platforms import PLATFORMS, normalise_platform
from smi.practice.evaluate import PER_POST, matches, post_value

NAME = "success"
MIN_N = 10
RESAMPLES = 2000
COUNT_UNITS = ("questions",)
VEGA_LITE = "https://vega.github.io/schema/vega-lite/v5.json"


def poisson_test(count: int, expected: float) -> float:
    """Two-sided exact Poisson test of `count` against mean `expected` (doubled smaller tail)."""
    lower = float(sps.poisson.cdf(count, expected))
    upper = float(sps.poisson.sf(count - 1, expected))
    return min(1.0, 2 * min(lower, upper))


def garwood(count: int) -> tuple[float, float]:
    """Exact 95% interval of a Poisson mean from one count."""
    lo = 0.0 if count == 0 else float(sps.chi2.ppf(0.025, 2 * count) / 2)
    hi = float(sps.chi2.ppf(0.975, 2 * count + 2) / 2)
    return lo, hi


def ratio_of_sums(num: np.ndarray, den: np.ndarray, target: float, seed: int) -> tuple[float, tuple[float, float], float]:
    """The value sum(num)/sum(den), its bootstrap 95% interval and the two-sided bootstrap
    p-value of value == target."""
    value = float(num.sum() / den.sum())
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(num), size=(RESAMPLES, len(num)))
    with np.errstate(divide="ignore", invalid="ignore"):
        boot = num[idx].sum(axis=1) / den[idx].sum(axis=1)
    boot = boot[np.isfinite(boot)]
    lo, hi = float(np.quantile(boot, 0.025)), float(np.quantile(boot, 0.975))
    below = (np.sum(boot <= target) + 1) / (len(boot) + 1)
    above = (np.sum(boot >= target) + 1) / (len(boot) + 1)
    return value, (lo, hi), float(min(1.0, 2 * min(below, above)))


def _filter_words(kpi: Any) -> str:
    if not kpi.filter:
        return ""
    parts = []
    for k, v in kpi.filter.items():
        vals = v if isinstance(v, list) else [v]
        if k == "platform":
            parts.append(", ".join(PLATFORMS.get(normalise_platform(x) or x, x) for x in vals))
        else:
            parts.append(f"{k} {', '.join(map(str, vals))}")
    return " (" + "; ".join(parts) + ")"


def _subject(goal: Any, kpi: Any, against: str) -> dict[str, Any]:
    return {"dimension": "goal", "value": goal.name, "filter": dict(kpi.filter), "against": against}


def _fmt(v: float) -> str:
    if float(v).is_integer() or abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 1:
        return f"{v:.2f}"
    return f"{v:.3g}"


def _chart(title: str, rows: list[dict[str, Any]], y: str) -> dict[str, Any]:
    return {
        "$schema": VEGA_LITE, "title": title,
        "data": {"values": [{"what": r["what"], "value": r["value"]} for r in rows]},
        "mark": "bar",
        "encoding": {"x": {"field": "what", "type": "nominal", "sort": None, "title": None},
                     "y": {"field": "value", "type": "quantitative", "title": y}},
    }


def _post_values(ctx: Any, kpi: Any, first: date, last: date,
                 accounts: str = "official") -> tuple[list[float], list[tuple[float, float]]]:
    """Per-post values and (numerator, denominator) pairs of the KPI's metric, filtered, from
    the accounts the goal counts (official, staff or all; smi.metrics.scope)."""
    how = PER_POST[kpi.metric]
    key = ("success.posts", first, last)
    if key not in ctx._cache:
        ctx._cache[key] = post_rows(ctx.con, Period.between(first, last, ctx.timezone))
    vals: list[float] = []
    pairs: list[tuple[float, float]] = []
    for r in ctx._cache[key]:
        whose = r["person"]
        if (accounts == "official" and whose != "official") or (
                accounts == "staff" and whose in (None, "official")):
            continue
        ok = True
        for k, v in kpi.filter.items():
            if k == "platform":
                allowed = {normalise_platform(x) for x in (v if isinstance(v, list) else [v])}
                ok = ok and r["platform"] in allowed
            else:
                ok = ok and matches(r, "language" if k == "lang" else k, str(v))
        if not ok:
            continue
        value = post_value(r, how)
        if value is None:
            continue
        vals.append(value)
        den = 1.0 if how.denominator is None else float(r[how.denominator])
        pairs.append((value * den, den))
    return vals, pairs


def said_label(label: str) -> Any:
    """A period label ("2026-11", "2026-09 to 2026-11", "the three months before (A to B)",
    "target") as a message."""
    import re

    m = re.fullmatch(r"(?:the three months before \()?(\d{4}-\d\d) to (\d{4}-\d\d)\)?", label)
    if m:
        said = {"first": month_p(m.group(1)), "last": month_p(m.group(2))}
        return (M("the three months before (%(first)s to %(last)s)", **said) if label.startswith("the three")
                else M("%(first)s to %(last)s", **said))
    if re.fullmatch(r"\d{4}-\d\d", label):
        return M("%(month)s", month=month_p(label))
    if label == "target":
        return M("target")
    try:  # "November 2026" (a month period's label)
        from datetime import datetime

        return M("%(month)s", month=month_p(datetime.strptime(label, "%B %Y").strftime("%Y-%m")))
    except ValueError:
        pass
    return M("%(words)s", words=label)


def _kpi_said(kpi: Any) -> Any:
    """The KPI by its display name, with its filter: "engagement rate (by impressions) on Instagram"."""
    what = metric_p(kpi.metric)
    platforms = [normalise_platform(x) or x for x in (kpi.filter.get("platform") or [])] if isinstance(
        kpi.filter.get("platform"), list) else ([normalise_platform(kpi.filter["platform"]) or kpi.filter["platform"]]
                                                if kpi.filter.get("platform") else [])
    others = {k: v for k, v in kpi.filter.items() if k != "platform"}
    out: Any = M("%(metric)s", metric=what)
    if platforms:
        out = M("%(what)s on %(platforms)s", what=out, platforms=[platform_p(x) for x in platforms])
    if others:
        out = M("%(what)s (%(filter)s)", what=out,
                filter="; ".join(f"{k} {', '.join(map(str, v if isinstance(v, list) else [v]))}" for k, v in others.items()))
    return out


def _finding(ctx: Any, goal: Any, kpi: Any, against: str, comparison: str, value: float, ref: float,
             ratio: float, ci: tuple[float, float], p: float, n: int, evidence: list[dict[str, Any]],
             win: str) -> Finding:
    direction = "higher" if ratio >= 1 else "lower"
    good = (direction == "higher") == (kpi.direction == "higher")
    lo, hi = min(ci[0], ratio), max(ci[1], ratio)
    said = {"goal": goal.name, "what": _kpi_said(kpi), "value": {"figure": [kpi.metric, value]},
            "ref": {"figure": [kpi.metric, ref]}, "window": said_label(win),
            "comparison": said_label(comparison.removesuffix(", mean per post"))}
    if against == "target":
        title = (M("%(goal)s: %(what)s beats its target", **said) if good else
                 M("%(goal)s: %(what)s misses its target", **said))
        summary = (M("%(what|cap)s was %(value)s in %(window)s against a target of at most %(ref)s.", **said)
                   if kpi.direction == "lower" else
                   M("%(what|cap)s was %(value)s in %(window)s against a target of at least %(ref)s.", **said))
        rec = (M("Keep doing what got %(what)s to %(value)s, and consider a more ambitious target than %(ref)s.",
                 **said) if good else
               M("Agree an action at the next meeting that moves %(what)s from %(value)s towards %(ref)s, or a "
                 "target the team can reach.", **said))
    else:
        title = (M("%(goal)s: %(what)s improved against its own baseline", **said) if good else
                 M("%(goal)s: %(what)s worsened against its own baseline", **said))
        summary = M("%(what|cap)s was %(value)s in %(window)s against %(ref)s in %(comparison)s.", **said)
        rec = (M("Note what changed since %(comparison)s and keep it.", **said) if good else
               M("Look at what changed since %(comparison)s (%(ref)s then, %(value)s now) and whether it can be "
                 "undone.", **said))
    ev = [{**r, "what": said_label(r["what"]) if isinstance(r.get("what"), str) else r.get("what")} for r in evidence]
    return make_finding(
        detector=NAME, question="Q7", title=title, summary=summary, metric=kpi.metric,
        subject=_subject(goal, kpi, against), comparison=comparison, direction=direction,
        effect=Effect("ratio", float(ratio)), ci=(float(lo), float(hi)),
        p_value=float(min(max(p, 0.0), 1.0)), n=int(n), recommendation=rec, evidence=ev,
        chart=bar_chart(title, [{"what": r["what"], "value": r["value"]} for r in ev], "what", "value", kpi.metric),
    )


@detector(name=NAME, question="Q7",
          description="Each goal KPI against its target and against its own baseline (the three "
                      "months before): exact Poisson tests for counts, per-post tests for rates.",
          min_n=MIN_N)
def success(ctx: Any) -> list[Finding]:
    from smi.metrics.registry import load_all

    goals = getattr(ctx.profile, "goals", []) or []
    if not goals:
        return []
    catalogue = load_all()
    month = Period.month(ctx.month, ctx.timezone)
    out: list[Finding] = []
    for goal in goals:
        for kpi in goal.kpis:
            m = catalogue.get(kpi.metric)
            if m is None:
                continue
            win = window(month, kpi.period)
            w_first, w_last = win.start, win.end - timedelta(days=1)
            b_last = w_first - timedelta(days=1)
            b_first = Period.month(f"{w_first.year:04d}-{w_first.month:02d}", ctx.timezone).shift(-3).start
            label = win.label if PERIOD_MONTHS[kpi.period] == 1 else f"{win.months[0].key} to {win.months[-1].key}"
            base_label = f"the three months before ({b_first.isoformat()[:7]} to {b_last.isoformat()[:7]})"
            if m.count or m.unit in COUNT_UNITS:
                out += _counts(ctx, goal, kpi, catalogue, win, (b_first, b_last), label, base_label)
            elif kpi.metric in PER_POST:
                out += _rates(ctx, goal, kpi, (w_first, w_last), (b_first, b_last), label, base_label)
    return out


def _counts(ctx: Any, goal: Any, kpi: Any, catalogue: dict[str, Any], win: Period,
            base: tuple[date, date], label: str, base_label: str) -> list[Finding]:
    con = ctx.con
    bh = getattr(ctx.profile, "business_hours", None)
    value = kpi_value(con, kpi, win, catalogue, bh, goal.accounts)
    if value is None:
        return []
    count = round(value)
    days = (win.end - win.start).days
    if days < MIN_N:
        return []
    out = []
    if kpi.target > 0:
        lo, hi = garwood(count)
        ev = [{"what": "target", "value": kpi.target}, {"what": label, "value": count}]
        out.append(_finding(ctx, goal, kpi, "target", f"the target ({_fmt(kpi.target)})", count, kpi.target,
                            count / kpi.target, (lo / kpi.target, hi / kpi.target),
                            poisson_test(count, kpi.target), days, ev, label))
    b_period = Period.between(base[0], base[1], ctx.timezone)
    b_value = kpi_value(con, kpi, b_period, catalogue, bh, goal.accounts)
    b_days = (base[1] - base[0]).days + 1
    if b_value is not None and b_value > 0:
        b_count = round(b_value)
        r = compare_rates(count, days, b_count, b_days)
        p = r.p_value if matters("counts", ctx.profile, subject=count / days, comparison=b_count / b_days) else 1.0
        ev = [{"what": base_label, "value": round(b_count / b_days * days, 2)},
              {"what": label, "value": count}]
        out.append(_finding(ctx, goal, kpi, "baseline", base_label, count, r.rate_b * days,
                            r.ratio, r.ratio_ci, p, days, ev, label))
    return out


def _rates(ctx: Any, goal: Any, kpi: Any, win: tuple[date, date], base: tuple[date, date],
           label: str, base_label: str) -> list[Finding]:
    vals, pairs = _post_values(ctx, kpi, *win, accounts=goal.accounts)
    if len(vals) < MIN_N:
        return []
    out = []
    num = np.asarray([p[0] for p in pairs])
    den = np.asarray([p[1] for p in pairs])
    if kpi.target > 0 and den.sum() > 0:
        value, (lo, hi), p = ratio_of_sums(num, den, kpi.target, ctx.seed)
        ev = [{"what": "target", "value": kpi.target}, {"what": label, "value": round(value, 5)}]
        out.append(_finding(ctx, goal, kpi, "target", f"the target ({_fmt(kpi.target)})", value, kpi.target,
                            value / kpi.target, (lo / kpi.target, hi / kpi.target), p, len(vals), ev, label))
    b_vals, _ = _post_values(ctx, kpi, *base, accounts=goal.accounts)
    if len(b_vals) >= MIN_N:
        c = compare_values(vals, b_vals, seed=ctx.seed)
        if c.ratio is not None and c.ratio_ci is not None and c.ratio > 0 and math.isfinite(c.ratio):
            ev = [{"what": base_label, "value": round(c.mean_b, 5)}, {"what": label, "value": round(c.mean_a, 5)}]
            family = "rates" if max(abs(c.mean_a), abs(c.mean_b)) < 1 else "per_post"
            p = c.p_value if matters(family, ctx.profile, subject=c.mean_a, comparison=c.mean_b) else 1.0
            out.append(_finding(ctx, goal, kpi, "baseline", base_label + ", mean per post", c.mean_a, c.mean_b,
                                c.ratio, c.ratio_ci, p, c.n_a, ev, label))
    return out
