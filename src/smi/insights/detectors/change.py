"""Change: metrics that moved significantly against the previous month and against the
trailing three months, per platform.

Each metric is tested on each platform twice (the month against the month before; the month
against the three months before it), and every test is returned for Benjamini–Hochberg:

- counts (`posts`, `inbound_interactions`): the platform's daily counts in the month against
  a forecast from the comparison's days (`stats.level_shift`: weekday terms, plus a linear
  trend against the three months before; AR(1) errors by feasible GLS), so weekly cycles,
  trends and bursty, autocorrelated days do not pass for a change. Effect = observed / forecast
  posts a day; against a forecast below the `counts` floor the effect is the difference a day
  ("new" when there was none before), never a ratio against (near) zero;
- `engagements_per_post` (engagements of each post): Mann–Whitney U with a bootstrap interval
  of the ratio of means (`compare_values`);
- exposure per post (`impressions_per_post`, else `reach_per_post`): a least-squares model of
  each post's log impressions with the account, the trend of the four months before and an
  indicator of the month (`stats.level_change`): effect, interval and p-value are its ratio
  and t test; the figures quoted are the catalogue metric's (`exposure_finding`); gated by the
  previous month like the rate;
- `engagement_rate_impressions`: a negative binomial model of each post's engagements with
  log(impressions) as offset and an indicator of the month (`stats.rate_change`): effect,
  interval and p-value are its rate ratio and Wald test; the figures quoted are the
  catalogue metric's (`rate_finding`). Said against the three months before when the
  previous month agrees (`gated`), not by the larger of the two p-values;
- `response_rate` (inbound items answered / inbound items): Fisher's exact test on the 2×2
  table, effect = ratio of the two shares with a log (Katz) 95% interval.

`engagements_per_post` is split along the chain: engagements per post = impressions per post
x engagements per impression (sums over the posts with impressions, so the split is exact).
Each part is tested (Mann–Whitney on the posts); the finding says whether exposure (fewer or
more people saw the posts), content (the same reach, a different response) or both drove it.

Every test must also reach the minimum effect of its family (`counts`, `per_post`, `rates`;
smi.insights.thresholds); one below it is returned with p = 1 (it counts in the month's
number of tests but cannot become a finding).

No test below MIN_N a side (posts, inbound items, or — for counts — events in both periods
together). For counts, n is the days of the month (the units the rate per day is observed
over); the counts themselves are in the evidence.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

from scipy import stats as sps

from smi.insights.finding import Effect, Finding, bar_chart, make_finding
from smi.insights.registry import detector
from smi.insights.stats import compare_values, level_change, level_shift, rate_change
from smi.insights.thresholds import matters, min_effect, ratio_allowed
from smi.messages import N_, M, Message, month_p, num_p, pct_p, platform_p
from smi.metrics.engagement import post_rows
from smi.metrics.period import Period

NAME = "change"
MIN_N = 10
VEGA_LITE = "https://vega.github.io/schema/vega-lite/v5.json"
WORDS = {
    "posts": N_("posts a day"),
    "inbound_interactions": N_("comments and messages to you a day"),
    "engagements_per_post": N_("engagements per post"),
    "engagement_rate_impressions": N_("engagement rate (engagements per impression)"),
    "impressions_per_post": N_("impressions per post"),
    "reach_per_post": N_("reach per post"),
    "response_rate": N_("share of comments and messages answered"),
}
AGAINST = {"previous": N_("the previous month"), "baseline": N_("the three months before")}


def said_period(label: Any) -> Any:
    """A period label as the report says it: "2026-08 to 2026-10" and "2026-11, forecast" as
    messages; a month key ("2026-11") stays as it is (the report says it as a month)."""
    if not isinstance(label, str):
        return label
    if " to " in label:
        a, b = label.split(" to ", 1)
        return M("%(first)s to %(last)s", first=month_p(a), last=month_p(b))
    if label.endswith(", forecast"):
        return M("%(month)s, expected from before", month=month_p(label[:7]))
    if label in DRIVER_WORDS:
        return M(DRIVER_WORDS[label])
    return label


DRIVER_WORDS = {"driver": N_("what drove it"), "exposure": N_("exposure"), "content": N_("content"),
                "both": N_("both"), "unclear": N_("unclear")}


def _said_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: (said_period(v) if k in ("period", "value") else v) for k, v in r.items()} for r in rows]


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
        ctx._cache[key] = post_rows(ctx.con, Period.between(first, last, ctx.timezone))
    return ctx._cache[key]


def _engagements(r: dict[str, Any]) -> float | None:
    """The post's engagements as the catalogue sums them (metrics.engagement.post_rows)."""
    return None if r["engagements"] is None else float(r["engagements"])


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


def daily_counts(ctx: Any, metric: str, platform: str, first: date, last: date) -> tuple[list[date], list[float]]:
    """The platform's count on each local day from first to last (0 on days without any)."""
    df = ctx.metric(metric, ("platform", "day"), from_=first, to=last)
    got = {str(r.day)[:10]: float(r.value or 0) for r in df.itertuples() if str(r.platform) == platform}
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return days, [got.get(d.isoformat(), 0.0) for d in days]


def _chart(metric: str, platform: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    bars = [{"period": said_period(r["period"]) if not (isinstance(r["period"], str) and len(r["period"]) == 7)
             else M("%(month)s", month=month_p(r["period"])), "value": r["value"]}
            for r in rows if isinstance(r.get("value"), (int, float))]
    return bar_chart(M("%(platform)s: %(what)s", platform=platform_p(platform), what=M(WORDS[metric])),
                     bars, "period", "value", M(WORDS[metric]))


def _fmt(v: float) -> str:
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 1:
        return f"{v:.1f}"
    return f"{v:.3g}"


def _finding(ctx: Any, metric: str, platform: str, against: str, label: str, ratio: float | None,
             ci: tuple[float, float], p: float, n: int, a: float, b: float,
             evidence: list[dict[str, Any]], *, why: str = "", direction: str | None = None) -> Finding:
    """A change of `metric` from b to a: as a ratio (with its ci), or — ratio None, b below the
    family's floor — as the difference a - b (ci of the difference). `direction`: the
    statistic's, when it is not the figures' (a model's estimate; default: a against b)."""
    direction = direction or ("higher" if a >= b else "lower")
    comparison = "the previous month" if against == "previous" else "the three months before"
    said: dict[str, Any] = {"platform": platform_p(platform), "what": M(WORDS[metric]), "against": M(AGAINST[against]),
                            "before": _said_num(b, metric), "now": _said_num(a, metric),
                            "period": said_period(label), "month": month_p(ctx.month)}
    if ratio is not None:
        lo, hi = min(ci[0], ratio), max(ci[1], ratio)
        said["pct"] = pct_p(abs(ratio - 1))
        title = (M("%(platform)s: %(what)s rose %(pct)s against %(against)s", **said) if direction == "higher" else
                 M("%(platform)s: %(what)s fell %(pct)s against %(against)s", **said))
        effect = Effect("ratio", float(ratio))
    else:
        d = a - b
        lo, hi = min(ci[0], d), max(ci[1], d)
        new = b == 0
        title = (M("%(platform)s: %(what)s new this month (%(now)s; none in %(against)s)", **said)
                 if new and direction == "higher" else
                 M("%(platform)s: %(what)s rose from %(before)s to %(now)s against %(against)s", **said)
                 if direction == "higher" else
                 M("%(platform)s: %(what)s fell from %(before)s to %(now)s against %(against)s", **said))
        effect = Effect("difference", float(d))
    if why:
        title = M("%(title)s: %(why)s", title=title, why=why)
    summary = (M("On %(platform)s, %(what)s rose from %(before)s in %(period)s to %(now)s in %(month)s.", **said)
               if direction == "higher" else
               M("On %(platform)s, %(what)s fell from %(before)s in %(period)s to %(now)s in %(month)s.", **said))
    rec = (M("Find out what changed on %(platform)s in %(month)s (which posts, when, an event or a campaign): "
             "keep doing it if it was planned, and look into it if it was not.", **said)
           if direction == "higher" else
           M("Check why %(what)s fell on %(platform)s in %(month)s: set this month's posts beside those of "
             "%(period)s, and decide whether to bring it back.", **said))
    return make_finding(
        detector=NAME, question="Q1" if metric in ("posts", "inbound_interactions") else "Q2",
        title=title, summary=summary,
        metric=metric, subject={"dimension": "platform", "value": platform, "against": against},
        comparison=f"{comparison} ({label})", direction=direction,
        effect=effect, ci=(float(lo), float(hi)), p_value=float(min(max(p, 0.0), 1.0)),
        n=int(n),
        recommendation=rec,
        evidence=_said_rows(evidence), chart=_chart(metric, platform, evidence),
    )


def _said_num(v: float, metric: str) -> Any:
    """A value of the metric as words say it: a share as a percentage, other values rounded."""
    if metric in ("response_rate",):
        return pct_p(v)
    if metric == "engagement_rate_impressions":
        return pct_p(v)
    return num_p(round(v) if abs(v) >= 100 else round(v, 1) if abs(v) >= 1 else round(v, 3))


def _share_test(x_a: int, n_a: int, x_b: int, n_b: int) -> tuple[float, float, tuple[float, float]]:
    """Fisher's exact p, ratio of shares (a / b) and its Katz log 95% interval (0.5 added to zeros)."""
    p = float(sps.fisher_exact([[x_a, n_a - x_a], [x_b, n_b - x_b]]).pvalue)
    xa, xb = (x_a or 0.5), (x_b or 0.5)
    ratio = (xa / n_a) / (xb / n_b)
    se = math.sqrt(max(1 / xa - 1 / n_a + 1 / xb - 1 / n_b, 0.0))
    return p, ratio, (ratio * math.exp(-1.96 * se), ratio * math.exp(1.96 * se))


def _exposure(r: dict[str, Any]) -> float | None:
    for k in ("impressions", "reach"):
        if r.get(k):
            return float(r[k])
    return None


def chain(ctx: Any, month_rows: list[dict[str, Any]], base_rows: list[dict[str, Any]],
          platform: str) -> dict[str, Any] | None:
    """Split a change in engagements per post into exposure (impressions, else reach, per post)
    and response (engagements per impression), over the posts that have both numbers; None
    when the platform gives no exposure for MIN_N posts a side."""
    sides = {}
    for side, rows in (("month", month_rows), ("before", base_rows)):
        pairs = [(x, e) for r in rows if r["platform"] == platform
                 and (x := _exposure(r)) is not None and (e := _engagements(r)) is not None]
        if len(pairs) < MIN_N:
            return None
        sides[side] = pairs
    tests = {}
    for part in ("ipp", "rate"):
        vals = {side: [x if part == "ipp" else e / x for x, e in pairs] for side, pairs in sides.items()}
        c = compare_values(vals["month"], vals["before"], seed=ctx.seed)
        family = "per_post" if part == "ipp" else "rates"
        moved = c.p_value < 0.05 and matters(family, ctx.profile, subject=c.mean_a, comparison=c.mean_b)
        tests[part] = (c, moved)
    out: dict[str, Any] = {}
    for side, pairs in sides.items():
        imp, eng = sum(x for x, _ in pairs), sum(e for _, e in pairs)
        out[side] = {"ipp": imp / len(pairs), "rate": eng / imp if imp else 0.0}
    r_ipp = out["month"]["ipp"] / out["before"]["ipp"] if out["before"]["ipp"] else float("nan")
    r_rate = out["month"]["rate"] / out["before"]["rate"] if out["before"]["rate"] else float("nan")
    exp_moved, rate_moved = tests["ipp"][1], tests["rate"][1]
    ipp_pct, rate_pct = pct_p(abs(r_ipp - 1)), pct_p(abs(r_rate - 1))
    ipp_words = (M("impressions per post rose %(pct)s", pct=ipp_pct) if r_ipp >= 1 else
                 M("impressions per post fell %(pct)s", pct=ipp_pct))
    rate_words = (M("engagements per impression rose %(pct)s", pct=rate_pct) if r_rate >= 1 else
                  M("engagements per impression fell %(pct)s", pct=rate_pct))
    why: Message | str
    if exp_moved and not rate_moved:
        driver, why = "exposure", (M("more people saw the posts (exposure)") if r_ipp >= 1
                                   else M("fewer people saw the posts (exposure)"))
        words = M("Exposure drove it: %(ipp)s, while engagements per impression held.", ipp=ipp_words)
    elif rate_moved and not exp_moved:
        driver, why = "content", (M("the same reach, more response (content)") if r_rate >= 1
                                  else M("the same reach, less response (content)"))
        words = M("Content drove it: %(rate)s, with impressions per post steady.", rate=rate_words)
    elif exp_moved and rate_moved:
        driver, why = "both", M("both reach and response moved")
        words = M("Both moved: %(ipp)s and %(rate)s.", ipp=ipp_words, rate=rate_words)
    else:
        driver, why = "unclear", ""
        words = M("Neither part moved clearly on its own: %(ipp)s, %(rate)s.", ipp=ipp_words, rate=rate_words)
    out.update(driver=driver, why=why, words=words)
    return out


def combine(base: Finding | None, prev: Finding | None) -> Finding | None:
    """One fact, one finding: the metric's change on the platform against the three months
    before, said only when the month moved the same way against the previous month too
    (intersection–union: both tests must reject, so the larger p-value is the finding's and
    the test keeps its level). The previous month's figure is in the summary and evidence.
    With no previous-month test (too few there), the baseline's alone."""
    if base is None:
        return None
    if prev is None:
        return base
    p = max(base.p_value, prev.p_value) if prev.direction == base.direction else 1.0
    against = M(AGAINST["previous"])
    if prev.direction != base.direction:
        said = M("Against %(against)s alone it went the other way, so this is not a finding.", against=against)
    elif prev.effect.kind == "ratio":
        pct = pct_p(abs(prev.effect.value - 1))
        said = (M("Against %(against)s alone it rose %(pct)s.", against=against, pct=pct) if prev.direction == "higher"
                else M("Against %(against)s alone it fell %(pct)s.", against=against, pct=pct))
    else:
        d = num_p(round(abs(prev.effect.value), 3))
        said = (M("Against %(against)s alone it rose by %(n)s.", against=against, n=d) if prev.direction == "higher"
                else M("Against %(against)s alone it fell by %(n)s.", against=against, n=d))
    before = prev.evidence[0] if prev.evidence else None
    return base.with_(
        p_value=float(p),
        evidence=([before] if before is not None else []) + list(base.evidence),
    ).with_sentence(said)


RATE = "engagement_rate_impressions"
# The previous month must agree with the baseline's change (same direction, two-sided p below
# this) for the change against the three months before to be said: see `gated`.
PREVIOUS_GATE = 0.05


def _rate_pairs(rows: list[dict[str, Any]], platform: str) -> list[tuple[float, float]]:
    """(engagements, impressions) of each of the platform's posts that has both, impressions
    above 0: the posts `engagement_rate_impressions` counts (a post with no impressions adds
    nothing to either sum)."""
    return [(e, float(r["impressions"])) for r in rows if r["platform"] == platform
            and (e := _engagements(r)) is not None and r["impressions"]]


def rate_finding(ctx: Any, per: dict[str, tuple[date, date, str]], rows: dict[str, list[dict[str, Any]]],
                 platform: str) -> Finding | None:
    """The platform's engagement rate by impressions in the month against the three months
    before (and the previous month), post by post: `stats.rate_change`, a negative binomial
    model of each post's engagements with log(impressions) as offset and an indicator of the
    month. The title's change, the effect, its interval and the p-value are the model's rate
    ratio and its Wald test; the figures quoted (before, now) are the catalogue metric for the
    platform and period, as `smi metric engagement_rate_impressions --by platform` prints them.
    Against a comparison below the `rates` floor the effect is said as a difference: the
    comparison's figure times (ratio - 1), with the interval scaled the same way."""
    a = _rate_pairs(rows["month"], platform)
    if len(a) < MIN_N:
        return None
    month_fig = _values(ctx, RATE, *per["month"][:2]).get(platform)
    got: dict[str, Finding] = {}
    for against in ("previous", "baseline"):
        b = _rate_pairs(rows[against], platform)
        fig = _values(ctx, RATE, *per[against][:2]).get(platform)
        if len(b) < MIN_N or fig is None or month_fig is None:
            continue
        c = rate_change(a, b)
        if c is None:
            continue
        rel = min_effect("rates", ctx.profile).relative
        # large enough by the figures and by the model, and both the same way
        ok = (matters("rates", ctx.profile, subject=month_fig, comparison=fig) and abs(c.ratio - 1) >= rel
              and (c.ratio >= 1) == (month_fig >= fig))
        ev = [{"period": per[against][2], "value": round(fig, 5), "posts": len(b)},
              {"period": ctx.month, "value": round(month_fig, 5), "posts": len(a)}]
        p = c.p_value if ok else 1.0
        way = "higher" if c.ratio >= 1 else "lower"  # the model's (the figures' too when p < 1)
        if ratio_allowed("rates", ctx.profile, fig):
            f = _finding(ctx, RATE, platform, against, per[against][2], c.ratio, c.ratio_ci, p, len(a),
                         month_fig, fig, ev, direction=way)
        else:
            ci = (fig * (c.ratio_ci[0] - 1), fig * (c.ratio_ci[1] - 1))
            f = _finding(ctx, RATE, platform, against, per[against][2], None, ci, p, len(a), month_fig, fig, ev,
                         direction=way)
            f = f.with_(effect=Effect("difference", float(fig * (c.ratio - 1))))
        got[against] = f
    return gated(got.get("baseline"), got.get("previous"))


def gated(base: Finding | None, prev: Finding | None) -> Finding | None:
    """The rate's change against the three months before, said only when the month also moved
    the same way against the previous month, at two-sided p below PREVIOUS_GATE (so a change
    that happened before this month is not said as this month's). The finding's p-value is
    the baseline test's: the condition only removes findings, so Benjamini–Hochberg's control
    of the change it states holds. Requiring both tests at the month's cutoff (`combine`,
    the intersection–union test) made the previous month, with its ~20 posts on a small
    platform, decide: a planted ×0.34 on LinkedIn read p = 0.0036 there against 3e-8 against
    the three months before, and was missed (docs/findings.md)."""
    if base is None:
        return None
    f = combine(base, prev)
    if f is None or prev is None:
        return f
    agrees = prev.direction == base.direction and prev.p_value < PREVIOUS_GATE
    return f.with_(p_value=float(base.p_value if agrees else 1.0))


def _exposure_column(rows: list[dict[str, Any]], platform: str) -> str | None:
    """impressions where the platform's posts have them, else reach, else None."""
    for col in ("impressions", "reach"):
        if any(r[col] for r in rows if r["platform"] == platform):
            return col
    return None


# the months before whose posts fit the exposure model's level and trend (`exposure_finding`)
TREND_MONTHS = (1, 2, 3, 4)


def _exposure_pairs(rows: list[dict[str, Any]], platform: str, col: str) -> list[tuple[str, float]]:
    """(account, exposure) of each of the platform's posts with exposure above 0."""
    return [(str(r["account_id"]), float(r[col])) for r in rows if r["platform"] == platform and r[col]]


def exposure_finding(ctx: Any, per: dict[str, tuple[date, date, str]], rows: dict[str, list[dict[str, Any]]],
                     platform: str) -> Finding | None:
    """The platform's impressions (else reach) per post in the month against the three months
    before, post by post: `stats.level_change`, a least-squares model of each post's log
    exposure with the account, a linear trend over the months before (their month index) and
    an indicator of the month: the month against what the months before forecast for it. The
    trend is fitted on the four months before (TREND_MONTHS; the fourth adds posts where it
    has any), not three: with ~20 posts a month, the slope of three monthly levels is so noisy
    that carrying it two months forward costs more than the drop it tests for. The title's
    change, the effect, its interval and the p-value are the model's ratio and its t test; the
    figures quoted (before, now) are the catalogue metric (`impressions_per_post` or
    `reach_per_post`) for the platform and the month and the three months before, as
    `smi metric` prints them. Said only when the month also fell (or rose) against the
    previous month alone (the same model without a trend, two-sided p below PREVIOUS_GATE:
    `gated`).

    Mann–Whitney on the values, month against the three months before (the test before this),
    allowed no trend nor account and let a month of 13-26 posts with a planted ×0.43-0.45 drop
    read p = 0.015-0.075 (docs/accuracy.md, held-out seeds 2000-2019)."""
    col = _exposure_column(rows["month"], platform)
    if col is None:
        return None
    metric = f"{col}_per_post"
    a = _exposure_pairs(rows["month"], platform, col)
    if len(a) < MIN_N:
        return None
    month_fig = _values(ctx, metric, *per["month"][:2]).get(platform)
    months = {k: (_first(ctx.month_shift(-k)), _last_day(_first(ctx.month_shift(-k)))) for k in TREND_MONTHS}
    before = {"previous": [(g, v, -1.0) for g, v in _exposure_pairs(rows["previous"], platform, col)],
              "baseline": [(g, v, -float(k)) for k, (f0, f1) in months.items()
                           for g, v in _exposure_pairs(_posts(ctx, f0, f1), platform, col)]}
    got: dict[str, Finding] = {}
    for against in ("previous", "baseline"):
        b = before[against]
        fig = _values(ctx, metric, *per[against][:2]).get(platform)
        if len(b) < MIN_N or fig is None or month_fig is None:
            continue
        c = level_change(a, b, trend=against == "baseline")
        if c is None:
            continue
        rel = min_effect("per_post", ctx.profile).relative
        # large enough by the figures and by the model, and both the same way
        ok = (matters("per_post", ctx.profile, subject=month_fig, comparison=fig) and abs(c.ratio - 1) >= rel
              and (c.ratio >= 1) == (month_fig >= fig))
        ev = [{"period": per[against][2], "value": round(fig, 1), "posts": c.n_before},
              {"period": ctx.month, "value": round(month_fig, 1), "posts": c.n_month}]
        way = "higher" if c.ratio >= 1 else "lower"
        got[against] = _finding(ctx, metric, platform, against, per[against][2], c.ratio, c.ratio_ci,
                                c.p_value if ok else 1.0, c.n_month, month_fig, fig, ev, direction=way)
    return gated(got.get("baseline"), got.get("previous"))


@detector(name=NAME, question="Q1",
          description="Metrics that moved significantly on a platform against the previous month "
                      "and against the three months before (posts, inbound interactions, engagements "
                      "per post, engagement rate by impressions, response rate).",
          min_n=MIN_N)
def change(ctx: Any) -> list[Finding]:
    per = periods(ctx)
    days = {k: (v[1] - v[0]).days + 1 for k, v in per.items()}
    out: list[Finding] = []

    # counts per day: the month's days against a forecast from the comparison's days
    for metric in ("posts", "inbound_interactions"):
        counts = {k: _values(ctx, metric, v[0], v[1]) for k, v in per.items()}
        for platform in sorted(counts["month"]):
            a = int(counts["month"].get(platform, 0))
            m_days, m_vals = daily_counts(ctx, metric, platform, *per["month"][:2])
            got: dict[str, Finding] = {}
            for against in ("previous", "baseline"):
                b = int(counts[against].get(platform, 0))
                if a + b < MIN_N:
                    continue
                b_days, b_vals = daily_counts(ctx, metric, platform, *per[against][:2])
                s_ = level_shift(b_days, b_vals, m_days, m_vals, trend=against == "baseline")
                rate_a, rate_b = a / days["month"], b / days[against]
                ok = matters("counts", ctx.profile, subject=s_.observed, comparison=s_.expected)
                ev = [{"period": per[against][2], "value": round(rate_b, 4), "count": b, "days": days[against]},
                      {"period": f"{ctx.month}, forecast", "value": round(max(s_.expected, 0.0), 4)},
                      {"period": ctx.month, "value": round(rate_a, 4), "count": a, "days": days["month"]}]
                p = s_.p_value if ok else 1.0
                if b > 0 and ratio_allowed("counts", ctx.profile, s_.expected) and s_.expected > 0:
                    ratio = max(s_.observed, 0.0) / s_.expected
                    ci = tuple(max(0.0, (s_.expected + x) / s_.expected) for x in s_.shift_ci)
                    got[against] = _finding(ctx, metric, platform, against, per[against][2], ratio, ci,  # type: ignore[arg-type]
                                            p, days["month"], rate_a, s_.expected, ev)
                else:  # (next to) nothing before: the difference a day, never a ratio against ~0
                    ci = s_.shift_ci
                    got[against] = _finding(ctx, metric, platform, against, per[against][2], None, ci,
                                            p, days["month"], rate_a, rate_b if b == 0 else max(s_.expected, 0.0), ev)
            f = combine(got.get("baseline"), got.get("previous"))
            if f is not None:
                out.append(f)

    # per-post values
    rows = {k: _posts(ctx, v[0], v[1]) for k, v in per.items()}
    platforms = sorted({r["platform"] for r in rows["month"]})
    explained: dict[str, dict[str, Any]] = {}  # platform -> the chain split of engagements per post
    for platform in platforms:
        # exposure per post, a metric in its own right: fewer (or more) people saw the posts
        f = exposure_finding(ctx, per, rows, platform)
        if f is not None:
            out.append(f)
    for metric in ("engagements_per_post",):
        family = "per_post"
        for platform in platforms:
            a = _per_post(rows["month"], platform, metric)
            if len(a) < MIN_N:
                continue
            got = {}
            split = None
            means: dict[str, tuple[float, float]] = {}
            for against in ("previous", "baseline"):
                b = _per_post(rows[against], platform, metric)
                if len(b) < MIN_N:
                    continue
                c = compare_values(a, b, seed=ctx.seed)
                means[against] = (c.mean_b, c.mean_a)
                ok = matters(family, ctx.profile, subject=c.mean_a, comparison=c.mean_b)
                ev = [{"period": per[against][2], "value": round(c.mean_b, 5), "posts": c.n_b},
                      {"period": ctx.month, "value": round(c.mean_a, 5), "posts": c.n_a}]
                why = ""
                if metric == "engagements_per_post":
                    split = chain(ctx, rows["month"], rows[against], platform)
                    if split is not None:
                        why = split["why"]
                        for row, side in zip(ev, ("before", "month"), strict=True):
                            row["impressions_per_post"] = round(split[side]["ipp"], 1)
                            row["engagements_per_impression"] = round(split[side]["rate"], 5)
                        ev.append({"period": "driver", "value": split["driver"]})
                p = c.p_value if ok else 1.0
                if (c.ratio is not None and c.ratio_ci is not None and c.ratio > 0
                        and ratio_allowed(family, ctx.profile, c.mean_b)):
                    f = _finding(ctx, metric, platform, against, per[against][2], c.ratio, c.ratio_ci,
                                 p, c.n_a, c.mean_a, c.mean_b, ev, why=why)
                else:
                    f = _finding(ctx, metric, platform, against, per[against][2], None, c.difference_ci,
                                 p, c.n_a, c.mean_a, c.mean_b, ev, why=why)
                if why:
                    f = f.with_sentence(split["words"])  # type: ignore[index]
                got[against] = f
            f = combine(got.get("baseline"), got.get("previous"))
            if f is None:
                continue
            if metric == "engagements_per_post" and split is not None and split["driver"] in ("exposure", "content",
                                                                                              "both"):
                # one fact, one finding: the part that moved states it (exposure per post above,
                # engagements per impression below), with this change as its context
                b_mean, a_mean = means["baseline"]
                explained[platform] = {"words": [M("Engagements per post went with it, from %(before)s to %(now)s.",
                                                   before=_said_num(b_mean, metric), now=_said_num(a_mean, metric)),
                                                 split["words"]],
                                       "driver": split["driver"]}
                continue
            out.append(f)
    for platform in platforms:
        f = rate_finding(ctx, per, rows, platform)
        if f is not None:
            out.append(f)
    # the parts that explain a change in engagements per post carry it as context
    for i, f in enumerate(out):
        e = explained.get(str(f.subject.get("value")))
        if e is None:
            continue
        if (f.metric.endswith("_per_post") and f.metric != "engagements_per_post" and e["driver"] in ("exposure", "both")) \
                or (f.metric == "engagement_rate_impressions" and e["driver"] in ("content", "both")):
            for sentence in e["words"]:
                f = f.with_sentence(sentence)
            out[i] = f

    # response rate: answered inbound items / inbound items
    inbound = {k: _values(ctx, "inbound_interactions", v[0], v[1]) for k, v in per.items()}
    rate = {k: _values(ctx, "response_rate", v[0], v[1]) for k, v in per.items()}
    for platform in sorted(rate["month"]):
        n_a = int(inbound["month"].get(platform, 0))
        if n_a < MIN_N:
            continue
        x_a = round(rate["month"][platform] * n_a)
        got = {}
        for against in ("previous", "baseline"):
            n_b = int(inbound[against].get(platform, 0))
            if n_b < MIN_N or platform not in rate[against]:
                continue
            x_b = round(rate[against][platform] * n_b)
            if x_b == 0 and x_a == 0:
                continue
            p, ratio, ci = _share_test(x_a, n_a, x_b, n_b)
            if not matters("rates", ctx.profile, subject=x_a / n_a, comparison=x_b / n_b):
                p = 1.0
            ev = [{"period": per[against][2], "value": round(x_b / n_b, 4), "answered": x_b, "inbound": n_b},
                  {"period": ctx.month, "value": round(x_a / n_a, 4), "answered": x_a, "inbound": n_a}]
            got[against] = _finding(ctx, "response_rate", platform, against, per[against][2], ratio, ci, p, n_a,
                                    x_a / n_a, x_b / n_b, ev)
        f = combine(got.get("baseline"), got.get("previous"))
        if f is not None:
            out.append(f.with_(question="Q6"))
    return out
