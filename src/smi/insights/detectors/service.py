"""Q6 value and service: how fast and how often the organisation answers its audience.

Per inbound item (an interaction not from the organisation) the first organisation reply
comes from the catalogue's own definition (smi.metrics.service.with_first_reply). Tests
made for the month:

- first-response waits of each platform against every other platform (Mann–Whitney on
  the answered items; effect: the Hodges–Lehmann ratio of waits, the estimate that test
  makes, with the interval that inverts it), and of each part of the day the item arrived
  in (the catalogue's `daypart`) against the rest; the medians quoted come from the
  catalogue (`first_response_minutes_median`);
- against `[service] response_hours_target` when the profile sets one: is the median wait
  above (or below) the target (sign test on the answered items), overall and per platform;
- the share of questions answered within ANSWER_WINDOW_DAYS, per platform against the other
  platforms, and against `[service] response_rate_target` when set (binomial test);
- questions left unanswered: the share this month against the three months before
  (Fisher's exact test); the summary counts them and names the oldest.

Only questions asked at least ANSWER_WINDOW_DAYS before the newest item in the store count
for answered/unanswered shares: a question from the month's last evening has not yet had
its chance to be answered, and counting it would make every last month look worse.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import ibis
import numpy as np
import pandas as pd
from scipy import stats as sps

from smi.insights.engine import Context
from smi.insights.finding import Effect, Finding, bar_chart, make_finding
from smi.insights.registry import detector
from smi.insights.stats import compare_proportions, shift_ratio, wilson_interval
from smi.messages import N_, M, Message, P, hours_p, pct_p, platform_p
from smi.metrics.period import Period
from smi.metrics.registry import REGISTRY, Query, load_all
from smi.metrics.service import elapsed_seconds, is_question, with_first_reply
from smi.metrics.tables import DAYPARTS

NAME = "service"
MIN_N = 10
ANSWER_WINDOW_DAYS = 7
MEDIAN_MINUTES = "first_response_minutes_median"
FLOOR_HOURS = 1 / 60  # a wait under a minute counts as a minute (its log exists)


def _period(ctx: Context, first: str, last: str) -> Period:
    start = Period.month(first, ctx.timezone).start
    end = Period.month(last, ctx.timezone).end
    return Period(start, end, ctx.timezone)


def inbound_items(ctx: Context, period: Period) -> pd.DataFrame:
    """Inbound items of the period: platform, created_at, hour (local), question, replied_at,
    hours (to the first reply; NaN if none)."""
    key = ("service_items", period)
    if key in ctx._cache:
        return ctx._cache[key]
    load_all()
    # the organisation's items only, as the catalogue counts them (smi.metrics.scope): an item
    # on a staff member's post, or one that opens by naming them, is theirs, not the organisation's
    q = Query(ctx.org, period, ("hour",), None, REGISTRY["response_rate"])
    t = with_first_reply(q)
    asked = t.is_question if "is_question" in t.columns else ibis.null().cast("boolean")
    t = t.select(
        "platform", "created_at", "hour", "replied_at", "text",
        question=ibis.coalesce(asked, is_question(t.text), ibis.literal(False)),
        seconds=elapsed_seconds(ctx.con, t.created_at, t.replied_at).cast("float64"),
    )
    df = t.to_pandas()
    df["hours"] = df["seconds"] / 3600.0
    ctx._cache[key] = df
    return df


def data_end(ctx: Context) -> Any:
    """The newest item in the store (interactions or posts): answers can be seen up to it."""
    if "service_end" not in ctx._cache:
        i, p = ctx.con.table("interactions"), ctx.con.table("posts")
        ends = [i.created_at.max().to_pandas(), p.published_at.max().to_pandas()]
        ends = [e for e in ends if e is not None and not pd.isna(e)]
        ctx._cache["service_end"] = max(ends) if ends else None
    return ctx._cache["service_end"]


def questions_with_chance(ctx: Context, df: pd.DataFrame) -> pd.DataFrame:
    """Questions asked at least ANSWER_WINDOW_DAYS before the data's end, with `answered`
    (a reply within the window)."""
    end = data_end(ctx)
    if end is None or df.empty:
        return df.iloc[0:0].assign(answered=pd.Series(dtype=bool))
    window = timedelta(days=ANSWER_WINDOW_DAYS)
    qs = df[df["question"] & (df["created_at"] <= end - window)].copy()
    qs["answered"] = qs["hours"].notna() & (qs["hours"] <= window.total_seconds() / 3600)
    return qs


def _h(x: float) -> str:
    return f"{x:.1f} h" if x < 48 else f"{x / 24:.1f} days"


DAYPART_WORDS = {"night": N_("night"), "morning": N_("morning"), "afternoon": N_("afternoon"),
                 "evening": N_("evening")}


def _where(subject: dict[str, Any]) -> Message:
    """The subject of a response-time finding as a message: a platform or a part of the day."""
    if subject["dimension"] == "platform":
        return M("on %(platform)s", platform=platform_p(subject["value"]))
    lo_h, hi_h = next((x, y) for x, y, n in DAYPARTS if n == subject["value"])
    return M("for items arriving %(from)s–%(to)s (%(part)s)", **{"from": f"{lo_h:02d}:00", "to": f"{hi_h:02d}:00",
             "part": M(DAYPART_WORDS.get(subject["value"], subject["value"]))})


def said_comparison(words: str) -> Message:
    """A comparison said in the statistics' English ("the other platforms (leaving out x, which
    stands apart)", "items arriving in the morning (07:00-12:00)") as a message."""
    m = re.fullmatch(r"the other (\w+)(?: \(leaving out (.+), which stands? apart\))?", words)
    if m:
        noun = M("the other platforms") if m.group(1) == "platforms" else M("the other %(what)s", what=m.group(1))
        if not m.group(2):
            return noun
        left = [platform_p(x) for x in m.group(2).split(", ")]
        return M("%(others)s (leaving out %(left)s, which stand apart)", others=noun, left=left)
    m = re.fullmatch(r"items arriving in the (\w+) \((\d\d:\d\d)-(\d\d:\d\d)\)", words)
    if m:
        return M("items arriving in the %(part)s (%(from)s–%(to)s)", **{
            "part": M(DAYPART_WORDS.get(m.group(1), m.group(1))), "from": m.group(2), "to": m.group(3)})
    return M("%(words)s", words=words)


def standouts(platforms: pd.Series, pvalue: Any, min_n: int = MIN_N) -> set[str]:
    """Platforms that stand out from all the others, found one at a time: the most extreme
    platform against the rest, if its p < 0.01 / (platforms tested), leaves the reference
    pool and the rest are tested again. Without this, one slow platform makes every other
    look fast "against the other platforms". `pvalue(mask_a, mask_b)` tests two row masks."""
    out: set[str] = set()
    names = sorted(platforms.unique())
    while True:
        best: tuple[float, str] | None = None
        pool = ~platforms.isin(out)
        for plat in names:
            if plat in out:
                continue
            a = platforms == plat
            b = pool & ~a
            if a.sum() < min_n or b.sum() < min_n:
                continue
            p = pvalue(a, b)
            if best is None or p < best[0]:
                best = (p, plat)
        tested = sum(1 for n in names if n not in out)
        if best is None or best[0] >= 0.01 / max(tested, 1):
            return out
        out.add(best[1])


def _platform_groups(platforms: pd.Series, outliers: set[str],
                     noun: str = "platforms") -> list[tuple[str, Any, Any, str]]:
    """(platform, its rows, the rows it is compared with, the comparison in words)."""
    groups = []
    for plat in sorted(platforms.unique()):
        a = platforms == plat
        b = ~a & ~platforms.isin(outliers)
        left_out = sorted(outliers - {plat})
        words = f"the other {noun}" + (
            f" (leaving out {', '.join(left_out)}, which {'stands' if len(left_out) == 1 else 'stand'} apart)"
            if left_out else "")
        groups.append((plat, a, b, words))
    return groups


def _figure(ctx: Context, platforms: list[str], daypart: str | None) -> dict[str, Any]:
    """The catalogue's median first response (minutes) for the month on `platforms`, in one
    part of the day or all day: the finding's quoted value, as `smi metric` gives it."""
    period = _period(ctx, ctx.month, ctx.month)
    last = period.end - timedelta(days=1)
    df = ctx.metric(MEDIAN_MINUTES, ("daypart",) if daypart else (), from_=period.start, to=last,
                    platform=sorted(platforms))
    if daypart:
        df = df[df["daypart"] == daypart]
    v = df["value"].iloc[0] if len(df) else None
    return {"metric": MEDIAN_MINUTES, "platform": sorted(platforms) if len(platforms) > 1 else platforms[0],
            "dimension": "daypart" if daypart else None, "value": daypart, "from": period.start.isoformat(),
            "to": last.isoformat(), "figure": None if v is None or pd.isna(v) else float(v)}


def _response_time_findings(ctx: Context, items: pd.DataFrame) -> list[Finding]:
    """Mann–Whitney on the answered items' waits, and the effect that test estimates: the
    Hodges–Lehmann ratio of waits (the median of all pairwise ratios, `stats.shift_ratio`)
    with the interval that inverts the test. Title and direction follow that ratio; the
    medians quoted are the catalogue's (`first_response_minutes_median`)."""
    out: list[Finding] = []
    answered = items[items["hours"].notna()].reset_index(drop=True)
    hours = answered["hours"]
    groups: list[tuple[dict[str, Any], pd.Series, pd.Series, str, dict[str, Any]]] = []
    outliers = standouts(answered["platform"], lambda a, b: shift_ratio(
        hours[a].to_numpy(), hours[b].to_numpy(), floor=FLOOR_HOURS).p_value)
    everywhere = sorted(answered["platform"].unique())
    for plat, a, b, words in _platform_groups(answered["platform"], outliers):
        others = [p for p in everywhere if p != plat and p not in outliers]
        if not others:
            continue
        groups.append(({"dimension": "platform", "value": plat}, hours[a], hours[b], words,
                       {"subject": _figure(ctx, [plat], None), "comparison": _figure(ctx, others, None)}))
    # Parts of the day, without the platforms that stand apart (they would drive every block).
    # Each is set against one reference part of the day — the one in the middle by median
    # wait (of the two middle ones, the busier) — never against "the rest": one fast evening
    # would otherwise make every other part of the day "slower" too (mirror findings).
    usual = answered[~answered["platform"].isin(outliers)].reset_index(drop=True)
    kept = sorted(usual["platform"].unique())
    uh = usual["hours"]
    part_of = pd.Series(pd.cut(usual["hour"], [lo for lo, _, _ in DAYPARTS] + [24], right=False,
                               labels=[n for _, _, n in DAYPARTS]).astype(str), index=usual.index)
    sizes = part_of.value_counts()
    parts = [n for _, _, n in DAYPARTS if sizes.get(n, 0) >= MIN_N]
    if kept and len(parts) >= 2:
        by_median = sorted(parts, key=lambda n: (float(np.median(uh[part_of == n])), n))
        a_, b_ = by_median[(len(parts) - 1) // 2], by_median[len(parts) // 2]
        ref = max((a_, b_), key=lambda n: (sizes[n], n))
        lo_r, hi_r = next((x, y) for x, y, n in DAYPARTS if n == ref)
        ref_fig = _figure(ctx, kept, ref)
        for part in parts:
            if part == ref:
                continue
            groups.append(({"dimension": "daypart", "value": part}, uh[part_of == part], uh[part_of == ref],
                           f"items arriving in the {ref} ({lo_r:02d}:00-{hi_r:02d}:00)",
                           {"subject": _figure(ctx, kept, part), "comparison": ref_fig}))
    for subject, a, b, comparison, figs in groups:
        if len(a) < MIN_N or len(b) < MIN_N or not figs:
            continue
        c = shift_ratio(a.to_numpy(), b.to_numpy(), floor=FLOOR_HOURS)
        med_a = figs["subject"]["figure"] / 60 if figs["subject"]["figure"] is not None else c.median_a
        cmp_fig = figs.get("comparison")
        med_b = cmp_fig["figure"] / 60 if cmp_fig and cmp_fig["figure"] is not None else c.median_b
        higher = c.ratio > 1
        lo_r, hi_r = c.ratio_ci
        said = {"where": _where(subject), "a": hours_p(med_a), "b": hours_p(med_b), "n": len(a), "m": len(b),
                "other": said_comparison(comparison), "pct": pct_p(abs(c.ratio - 1))}
        if subject["dimension"] == "platform":
            said["platform"] = platform_p(subject["value"])
        out.append(make_finding(
            detector=NAME, question="Q6",
            title=(M("First responses slower %(where)s", **said) if higher else
                   M("First responses faster %(where)s", **said)),
            summary=M("The typical first response %(where)s took %(a)s (%(n)s answered items), against %(b)s for "
                      "%(other)s (%(m)s).", **said),
            metric=MEDIAN_MINUTES, subject=subject, comparison=comparison,
            direction="higher" if higher else "lower", effect=Effect("ratio", c.ratio), ci=c.ratio_ci,
            p_value=c.p_value, n=len(a),
            recommendation=(M("Check who watches for messages %(where)s and when (the typical wait was %(a)s "
                              "against %(b)s); set a rota so they are answered as fast as elsewhere.", **said)
                            if higher else
                            M("Whatever makes answering quick %(where)s (a typical %(a)s against %(b)s), write it "
                              "down and share it with whoever answers elsewhere.", **said)),
            evidence=[{"group": said["where"], "answered": len(a), "median_hours": round(med_a, 2)},
                      {"group": said["other"], "answered": len(b), "median_hours": round(med_b, 2)}],
            chart=bar_chart(M("Typical first response, hours"),
                            [{"group": said["where"], "value": round(med_a, 2)},
                             {"group": said["other"], "value": round(med_b, 2)}],
                            "group", "value", M("hours")),
            figures=[f for f in (figs.get("subject"), cmp_fig) if f],
        ))
    target = ctx.profile.service.response_hours_target
    if target:
        scopes = [({"dimension": "all", "value": "all", "against": "target"}, answered["hours"], None)]
        scopes += [({"dimension": "platform", "value": p, "against": "target"},
                    answered.loc[answered["platform"] == p, "hours"], p)
                   for p in sorted(answered["platform"].unique())]
        for subject, h, plat in scopes:
            # The response rate stands beside the wait: a fast median over few answers is no
            # good service (the catalogue's response_rate: any reply, at any time after).
            inbound = items if plat is None else items[items["platform"] == plat]
            if len(h) < MIN_N:
                continue
            over = int((h > target).sum())
            p = float(sps.binomtest(over, len(h), 0.5).pvalue)
            lo_i, hi_i = median_interval(h.to_numpy())
            fig = _figure(ctx, [plat] if plat else sorted(answered["platform"].unique()), None)
            if plat is None:
                fig["platform"] = None
            med = fig["figure"] / 60 if fig["figure"] is not None else float(np.median(h))
            said = {"target": hours_p(target), "med": hours_p(med), "over": over, "n": len(h),
                    "inbound": len(inbound), "share": pct_p(len(h) / len(inbound)),
                    "platform": platform_p(plat) if plat else ""}
            if plat is None:
                title = (M("Typical first response over the %(target)s target", **said) if med > target else
                         M("Typical first response within the %(target)s target", **said))
            else:
                title = (M("Typical first response over the %(target)s target on %(platform)s", **said)
                         if med > target else
                         M("Typical first response within the %(target)s target on %(platform)s", **said))
            out.append(make_finding(
                detector=NAME, question="Q6",
                title=title,
                summary=[M("%(over)s of %(n)s answered items waited longer than the %(target)s target; the typical "
                           "wait was %(med)s, counting every hour of the day.", **said),
                         M("%(n)s of %(inbound)s comments and messages to you (%(share)s) were answered.", **said)],
                metric=MEDIAN_MINUTES, subject=subject,
                comparison=f"the target of {target:g} hours", direction="higher" if med > target else "lower",
                effect=Effect("ratio", med / target), ci=(lo_i / target, hi_i / target), p_value=p, n=len(h),
                recommendation=(M("Set a rota so someone checks messages%(on)s at least every %(target)s: "
                                  "%(over)s of %(n)s waited longer this month.",
                                  on=M(" on %(platform)s", **said) if plat else "", **said)
                                if med > target else M("The target is met with room to spare; keep it up.")),
                evidence=[{"inbound": len(inbound), "answered": len(h), "over_target": over,
                           "median_hours": round(med, 2)}],
                figures=[fig],
            ))
    return out


def median_interval(x: np.ndarray) -> tuple[float, float]:
    """95% interval of a median that inverts the sign test: the order statistics x_(c+1) and
    x_(n-c), c the largest count with 2 P(Binomial(n, 1/2) <= c) <= 0.05 (exact)."""
    x = np.sort(x)
    n = len(x)
    c = int(sps.binom.ppf(0.025, n, 0.5))
    if 2 * sps.binom.cdf(c, n, 0.5) > 0.05:
        c -= 1
    if c < 0:
        return float(x[0]), float(x[-1])
    return float(x[c]), float(x[n - 1 - c])


def _response_rate_findings(ctx: Context, qs: pd.DataFrame) -> list[Finding]:
    out: list[Finding] = []
    w = ANSWER_WINDOW_DAYS
    qs = qs.reset_index(drop=True)
    ans = qs["answered"]

    def test(ma: Any, mb: Any) -> float:
        return compare_proportions(int(ans[ma].sum()), int(ma.sum()), int(ans[mb].sum()), int(mb.sum())).p_value

    for plat, ma, mb, words in _platform_groups(qs["platform"], standouts(qs["platform"], test)):
        a, b = ans[ma], ans[mb]
        if len(a) < MIN_N or len(b) < MIN_N:
            continue
        c = compare_proportions(int(a.sum()), len(a), int(b.sum()), len(b))
        said = {"platform": platform_p(plat), "k": int(a.sum()), "n": len(a), "share_a": pct_p(c.share_a),
                "j": int(b.sum()), "m": len(b), "share_b": pct_p(c.share_b), "days": w, "other": said_comparison(words)}
        out.append(make_finding(
            detector=NAME, question="Q6",
            title=(M("%(platform)s: more questions answered than elsewhere", **said) if c.difference > 0 else
                   M("%(platform)s: fewer questions answered than elsewhere", **said)),
            summary=M("On %(platform)s, %(k)s of %(n)s questions (%(share_a)s) were answered within %(days)s days, "
                      "against %(j)s of %(m)s (%(share_b)s) on %(other)s.", **said),
            metric="question_response_rate", subject={"dimension": "platform", "value": plat},
            comparison=words, direction="higher" if c.difference > 0 else "lower",
            effect=Effect("difference", c.difference), ci=c.difference_ci, p_value=c.p_value, n=len(a),
            recommendation=(M("Make sure questions on %(platform)s are seen and answered: %(left)s of %(n)s "
                              "had no answer this month.", left=len(a) - int(a.sum()), **{
                                  k: v for k, v in said.items() if k != "left"})
                            if c.difference < 0 else
                            M("Answering on %(platform)s works (%(share_a)s answered); bring the other platforms "
                              "up to it.", **said)),
            evidence=[{"platform": plat, "questions": len(a), "answered": int(a.sum())},
                      {"platform": M("the other platforms"), "questions": len(b), "answered": int(b.sum())}],
        ))
    target = ctx.profile.service.response_rate_target
    if target and len(qs) >= MIN_N:
        k, n = int(qs["answered"].sum()), len(qs)
        p = float(sps.binomtest(k, n, target).pvalue)
        lo, hi = wilson_interval(k, n)
        said = {"share": pct_p(k / n), "target": pct_p(target), "k": k, "n": n, "days": w}
        out.append(make_finding(
            detector=NAME, question="Q6",
            title=M("Questions answered: %(share)s against a %(target)s target", **said),
            summary=M("%(k)s of %(n)s questions were answered within %(days)s days (%(share)s); the target is "
                      "%(target)s.", **said),
            metric="question_response_rate_vs_target", subject={"dimension": "all", "value": "all"},
            comparison=f"the target of {target:.0%}", direction="higher" if k / n > target else "lower",
            effect=Effect("difference", k / n - target), ci=(lo - target, hi - target), p_value=p, n=n,
            recommendation=(M("Answer every question, even briefly: %(left)s of %(n)s had no answer within %(days)s "
                              "days, and unanswered ones cost goodwill.", left=n - k, **said)
                            if k / n < target else M("The response-rate target is met.")),
            evidence=[{"questions": n, "answered": k, "target": target}],
        ))
    return out


def _unanswered_findings(ctx: Context, qs: pd.DataFrame, base: pd.DataFrame) -> list[Finding]:
    if len(qs) < MIN_N or len(base) < MIN_N:
        return []
    un, un_b = ~qs["answered"], ~base["answered"]
    c = compare_proportions(int(un.sum()), len(qs), int(un_b.sum()), len(base))
    left = qs[un].sort_values("created_at")
    oldest: list[Message] = []
    rec_said: dict[str, Any] = {"n": int(un.sum())}
    if len(left):
        o = left.iloc[0]
        text = str(o["text"] or "")[:80]
        rec_said.update(platform=platform_p(o["platform"]), day={"day": o["created_at"].tz_convert(ctx.timezone).date().isoformat()},
                        text=text)
        oldest = [M("The oldest, on %(platform)s from %(day)s: “%(text)s”.", **rec_said)]
    by_platform = left.groupby("platform").size().to_dict()
    said = {"n": int(un.sum()), "all": len(qs), "share_a": pct_p(c.share_a), "share_b": pct_p(c.share_b),
            "days": ANSWER_WINDOW_DAYS}
    return [make_finding(
        detector=NAME, question="Q6",
        title=P("%(n)s question left unanswered (%(share_a)s)", "%(n)s questions left unanswered (%(share_a)s)",
                int(un.sum()), **said),
        summary=[M("%(n)s of %(all)s questions asked this month had no answer within %(days)s days (%(share_a)s), "
                   "against %(share_b)s in the three months before.", **said), *oldest],
        metric="unanswered_question_share", subject={"dimension": "all", "value": "all"},
        comparison="the three months before", direction="higher" if c.difference > 0 else "lower",
        effect=Effect("difference", c.difference), ci=c.difference_ci, p_value=c.p_value, n=len(qs),
        recommendation=(M("Go through the %(n)s unanswered questions, oldest first, and answer them; then decide "
                          "who checks each platform for questions every day.", **rec_said)
                        if c.difference > 0 else M("Fewer questions go unanswered than before; keep it up.")),
        evidence=[{"platform": k, "unanswered": int(v)} for k, v in sorted(by_platform.items())],
    )]


@detector(name=NAME, question="Q6", min_n=MIN_N,
          description="First-response time and questions answered, by platform and hour of day, "
          "against the profile's [service] targets; questions left unanswered.")
def service(ctx: Context) -> list[Finding]:
    items = inbound_items(ctx, _period(ctx, ctx.month, ctx.month))
    if items.empty:
        return []
    out = _response_time_findings(ctx, items)
    qs = questions_with_chance(ctx, items)
    out += _response_rate_findings(ctx, qs)
    base = questions_with_chance(ctx, inbound_items(ctx, _period(ctx, ctx.month_shift(-3), ctx.previous)))
    out += _unanswered_findings(ctx, qs, base)
    return out
