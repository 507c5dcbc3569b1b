"""Change: metrics that moved significantly against the previous month and against the
trailing three months, per platform.

Each metric is tested on each platform twice (the month against the month before; the month
against the three months before it), and every test is returned for Benjamini–Hochberg:

- counts (`posts`, `inbound_interactions`): an exact test of equal Poisson rates per day
  (`compare_rates`, exposure = days in the period), effect = rate ratio per day. Comments
  and posts come in bursts (a busy post draws dozens), so the counts are over-dispersed and a
  plain Poisson test would call noise a change: the dispersion (variance / mean of the daily
  counts, pooled within the two periods, at least 1) divides both counts before the test and
  widens the interval by its square root (quasi-Poisson);
- per-post values (`engagements_per_post`: engagements of each post; `engagement_rate_impressions`:
  engagements / impressions of each post that has impressions): Mann–Whitney U with a
  bootstrap interval of the ratio of means (`compare_values`);
- `response_rate` (inbound items answered / inbound items): Fisher's exact test on the 2×2
  table, effect = ratio of the two shares with a log (Katz) 95% interval.

No test below MIN_N a side (posts, inbound items, or — for counts — events in both periods
together). For counts, n is the days of the month (the units the rate per day is observed
over); the counts themselves are in the evidence.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

from scipy import stats as sps

from smi.insights.finding import Effect, Finding
from smi.insights.registry import detector
from smi.insights.stats import compare_rates, compare_values
from smi.platforms import PLATFORMS
from smi.store.practice import posts_between

NAME = "change"
MIN_N = 10
KINDS = ("original", "quote", "reply")  # the posts the per-post metrics count (reposts excluded)
VEGA_LITE = "https://vega.github.io/schema/vega-lite/v5.json"
PARTS = ("reactions", "comments", "shares", "saves")
WORDS = {
    "posts": "posts a day",
    "inbound_interactions": "inbound interactions a day",
    "engagements_per_post": "engagements per post",
    "engagement_rate_impressions": "engagements per impression (mean per post)",
    "response_rate": "share of inbound items answered",
}


def _last_day(month_first: date) -> date:
    y, m = month_first.year, month_first.month
    return date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)


def _first(month: str) -> date:
    y, m = map(int, month.split("-"))
    return date(y, m, 1)


def periods(ctx: Any) -> dict[str, tuple[date, date, str]]:
    """this month, the previous month and the three months before: (first, last, label)."""
    first = ctx.first_day
    b0, b1 = ctx.baseline_range
    prev = _first(ctx.previous)
    return {
        "month": (first, _last_day(first), ctx.month),
        "previous": (prev, _last_day(prev), ctx.previous),
        "baseline": (b0, b1, f"{ctx.month_shift(-3)} to {ctx.previous}"),
    }


def _posts(ctx: Any, first: date, last: date) -> list[dict[str, Any]]:
    key = ("change.posts", first, last)
    if key not in ctx._cache:
        ctx._cache[key] = posts_between(ctx.ws.store, first, last, KINDS)
    return ctx._cache[key]


def _engagements(r: dict[str, Any]) -> float | None:
    vals = [r[p] for p in PARTS]
    if all(v is None for v in vals):
        return None
    return float(sum(v for v in vals if v is not None))


def _per_post(rows: list[dict[str, Any]], platform: str, metric: str) -> list[float]:
    out = []
    for r in rows:
        if r["platform"] != platform:
            continue
        e = _engagements(r)
        if e is None:
            continue
        if metric == "engagements_per_post":
            out.append(e)
        elif r["impressions"]:
            out.append(e / float(r["impressions"]))
    return out


def _values(ctx: Any, name: str, first: date, last: date) -> dict[str, float]:
    df = ctx.metric(name, ("platform",), from_=first, to=last)
    return {str(r.platform): float(r.value) for r in df.itertuples() if r.value is not None and r.value == r.value}


def _dispersion(ctx: Any, metric: str, platform: str, spans: list[tuple[date, date]]) -> float:
    """Pooled within-period variance / mean of the platform's daily counts (at least 1)."""
    ss, dof, total, days = 0.0, 0, 0.0, 0
    for first, last in spans:
        df = ctx.metric(metric, ("platform", "day"), from_=first, to=last)
        got = {str(r.day)[:10]: float(r.value or 0) for r in df.itertuples() if str(r.platform) == platform}
        n = (last - first).days + 1
        vals = [got.get((first + timedelta(days=i)).isoformat(), 0.0) for i in range(n)]
        mean = sum(vals) / n
        ss += sum((v - mean) ** 2 for v in vals)
        dof += n - 1
        total += sum(vals)
        days += n
    if dof <= 0 or total <= 0:
        return 1.0
    return max(1.0, (ss / dof) / (total / days))


def _chart(metric: str, platform: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "$schema": VEGA_LITE,
        "title": f"{PLATFORMS.get(platform, platform)}: {WORDS[metric]}",
        "data": {"values": [{"period": r["period"], "value": r["value"]} for r in rows]},
        "mark": "bar",
        "encoding": {
            "x": {"field": "period", "type": "nominal", "sort": None, "title": None},
            "y": {"field": "value", "type": "quantitative", "title": WORDS[metric]},
        },
    }


def _fmt(v: float) -> str:
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 1:
        return f"{v:.1f}"
    return f"{v:.3g}"


def _finding(ctx: Any, metric: str, platform: str, against: str, label: str, ratio: float,
             ci: tuple[float, float], p: float, n: int, a: float, b: float,
             evidence: list[dict[str, Any]]) -> Finding:
    title_p = PLATFORMS.get(platform, platform)
    direction = "higher" if ratio >= 1 else "lower"
    moved = "rose" if direction == "higher" else "fell"
    pct = abs(ratio - 1) * 100
    comparison = "the previous month" if against == "previous" else "the three months before"
    lo, hi = min(ci[0], ratio), max(ci[1], ratio)
    return Finding(
        detector=NAME, question="Q1" if metric in ("posts", "inbound_interactions") else "Q2",
        title=f"{title_p}: {WORDS[metric]} {moved} {pct:.0f}% against {comparison}",
        summary=(f"On {title_p}, {WORDS[metric]} {moved} from {_fmt(b)} in {label} to {_fmt(a)} in "
                 f"{ctx.month} (×{ratio:.2f}, 95% interval ×{lo:.2f} to ×{hi:.2f}; n = {n})."),
        metric=metric, subject={"dimension": "platform", "value": platform, "against": against},
        comparison=f"{comparison} ({label})", direction=direction,
        effect=Effect("ratio", float(ratio)), ci=(float(lo), float(hi)), p_value=float(min(max(p, 0.0), 1.0)),
        n=int(n),
        recommendation=(f"Find out what changed on {title_p} in {ctx.month}: keep it if it was planned, "
                        f"look into it if it was not." if direction == "higher" else
                        f"Check why {WORDS[metric]} fell on {title_p} in {ctx.month} and whether it was planned."),
        evidence=evidence, chart=_chart(metric, platform, evidence),
    )


def _share_test(x_a: int, n_a: int, x_b: int, n_b: int) -> tuple[float, float, tuple[float, float]]:
    """Fisher's exact p, ratio of shares (a / b) and its Katz log 95% interval (0.5 added to zeros)."""
    p = float(sps.fisher_exact([[x_a, n_a - x_a], [x_b, n_b - x_b]]).pvalue)
    xa, xb = (x_a or 0.5), (x_b or 0.5)
    ratio = (xa / n_a) / (xb / n_b)
    se = math.sqrt(max(1 / xa - 1 / n_a + 1 / xb - 1 / n_b, 0.0))
    return p, ratio, (ratio * math.exp(-1.96 * se), ratio * math.exp(1.96 * se))


@detector(name=NAME, question="Q1",
          description="Metrics that moved significantly on a platform against the previous month "
                      "and against the three months before (posts, inbound interactions, engagements "
                      "per post, engagement rate by impressions, response rate).",
          min_n=MIN_N)
def change(ctx: Any) -> list[Finding]:
    per = periods(ctx)
    days = {k: (v[1] - v[0]).days + 1 for k, v in per.items()}
    out: list[Finding] = []

    # counts per day
    for metric in ("posts", "inbound_interactions"):
        counts = {k: _values(ctx, metric, v[0], v[1]) for k, v in per.items()}
        for platform in sorted(counts["month"]):
            a = int(counts["month"].get(platform, 0))
            for against in ("previous", "baseline"):
                b = int(counts[against].get(platform, 0))
                if a + b < MIN_N:
                    continue
                phi = _dispersion(ctx, metric, platform, [per["month"][:2], per[against][:2]])
                r = compare_rates(round(a / phi), days["month"], round(b / phi), days[against])
                rate_a, rate_b = a / days["month"], b / days[against]
                if b == 0:
                    continue  # nothing to compare with: a new platform is not a change
                ratio = rate_a / rate_b if a else 0.5 / days["month"] / rate_b
                se = math.sqrt(phi * (1 / max(a, 0.5) + 1 / b))
                ci = (ratio * math.exp(-1.96 * se), ratio * math.exp(1.96 * se))
                ev = [{"period": per[against][2], "value": round(rate_b, 4), "count": b, "days": days[against]},
                      {"period": ctx.month, "value": round(rate_a, 4), "count": a, "days": days["month"]}]
                out.append(_finding(ctx, metric, platform, against, per[against][2], ratio, ci,
                                    r.p_value, days["month"], rate_a, rate_b, ev))

    # per-post values
    rows = {k: _posts(ctx, v[0], v[1]) for k, v in per.items()}
    platforms = sorted({r["platform"] for r in rows["month"]})
    for metric in ("engagements_per_post", "engagement_rate_impressions"):
        for platform in platforms:
            a = _per_post(rows["month"], platform, metric)
            if len(a) < MIN_N:
                continue
            for against in ("previous", "baseline"):
                b = _per_post(rows[against], platform, metric)
                if len(b) < MIN_N:
                    continue
                c = compare_values(a, b, seed=ctx.seed)
                if c.ratio is None or c.ratio_ci is None or c.ratio <= 0:
                    continue
                ev = [{"period": per[against][2], "value": round(c.mean_b, 5), "posts": c.n_b},
                      {"period": ctx.month, "value": round(c.mean_a, 5), "posts": c.n_a}]
                out.append(_finding(ctx, metric, platform, against, per[against][2], c.ratio, c.ratio_ci,
                                    c.p_value, c.n_a, c.mean_a, c.mean_b, ev))

    # response rate: answered inbound items / inbound items
    inbound = {k: _values(ctx, "inbound_interactions", v[0], v[1]) for k, v in per.items()}
    rate = {k: _values(ctx, "response_rate", v[0], v[1]) for k, v in per.items()}
    for platform in sorted(rate["month"]):
        n_a = int(inbound["month"].get(platform, 0))
        if n_a < MIN_N:
            continue
        x_a = round(rate["month"][platform] * n_a)
        for against in ("previous", "baseline"):
            n_b = int(inbound[against].get(platform, 0))
            if n_b < MIN_N or platform not in rate[against]:
                continue
            x_b = round(rate[against][platform] * n_b)
            if x_b == 0 and x_a == 0:
                continue
            p, ratio, ci = _share_test(x_a, n_a, x_b, n_b)
            ev = [{"period": per[against][2], "value": round(x_b / n_b, 4), "answered": x_b, "inbound": n_b},
                  {"period": ctx.month, "value": round(x_a / n_a, 4), "answered": x_a, "inbound": n_a}]
            f = _finding(ctx, "response_rate", platform, against, per[against][2], ratio, ci, p, n_a,
                         x_a / n_a, x_b / n_b, ev)
            out.append(f.with_(question="Q6"))
    return out
