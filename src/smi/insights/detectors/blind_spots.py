"""Blind spots: what the organisation is not seeing.

Tests made for the month (each a Finding, significant or not; the engine controls the
false-discovery rate over all of them):

- what people ask about that the organisation never addresses: a word in at least
  MIN_TERM_DOCS of this month's questions (with a question mark) left unanswered (the service detector's rule:
  no reply within 7 days) that none of the organisation's original posts of the month and
  its three-month baseline uses; Fisher's exact test of its share of those questions
  against its share (0) of posts. Unanswered questions, not all comments: "loved" is a
  reaction, and a question the organisation answers is not a blind spot;
- rising audience words: a word's share of inbound texts this month against the
  baseline's (one-sided binomial test of the rate, conditional on both counts);
- inbound activity on a quiet platform: inbound items per own post this month against the
  platform's own baseline (log rate ratio; the variance of the inbound count is inflated
  by its day-to-day over-dispersion in the baseline, so a busy week is not a finding);
- sentiment shifts: inbound sentiment (only where known: English, enriched) per platform
  this month against the baseline (Mann–Whitney);
- anomalous days: each day's inbound items (all platforms) against a negative binomial
  fitted to the baseline's days by moments; a two-sided tail probability per day, so every
  day of the month is one test in the BH correction. Engagements by day are not tested:
  they are lifetime totals of the posts published that day, so the month's last days
  always look low until their posts have aged.

Words are lower-cased runs of three or more letters, links and @mentions dropped,
English, Welsh and social stopwords removed (smi.enrich.stopwords); a text counts a word
once. The enrichment's topic tables are per month and per scope but not per text, so the
words are counted here.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from datetime import date, timedelta
from typing import Any

import ibis
import pandas as pd
from scipy import stats as sps

from smi.enrich.stopwords import stopwords
from smi.insights.engine import Context
from smi.insights.finding import Effect, Finding
from smi.insights.registry import detector
from smi.insights.stats import compare_proportions, compare_values
from smi.metrics.period import Period
from smi.metrics.service import is_question

NAME = "blind_spots"
MIN_N = 20
MIN_TERM_DOCS = 20  # a word must be in this many inbound texts this month to be tested
MAX_TERMS = 50  # most frequent words tested a month (each is one test)
SAMPLE_CAP = 50_000  # texts read per period (a seeded sample above it)
_WORD = re.compile(r"[^\W\d_]{3,}")
_NOISE = re.compile(r"https?://\S+|www\.\S+|@[\w.]+")


def _period(ctx: Context, first: date, end_exclusive: date) -> Period:
    return Period(first, end_exclusive, ctx.timezone)


def _month_and_base(ctx: Context) -> tuple[Period, Period]:
    start, last = ctx.baseline_range
    month = Period.month(ctx.month, ctx.timezone)
    return month, _period(ctx, start, last + timedelta(days=1))


def _inbound(ctx: Context, period: Period) -> pd.DataFrame:
    key = ("blind_inbound", period)
    if key not in ctx._cache:
        t = ctx.con.table("interactions")
        t = t.filter((t.from_organisation == ibis.literal(False))
                     & (t.created_at >= ibis.literal(period.start_utc)) & (t.created_at < ibis.literal(period.end_utc)))
        sent = t.sentiment if "sentiment" in t.columns else ibis.null().cast("float64")
        asked = t.is_question if "is_question" in t.columns else ibis.null().cast("boolean")
        ctx._cache[key] = t.select(
            "platform", "text", day=t.created_at.date(), sentiment=sent,
            question=ibis.coalesce(asked, is_question(t.text), ibis.literal(False)),
        ).to_pandas()
    return ctx._cache[key]


def _own_posts(ctx: Context, period: Period) -> pd.DataFrame:
    key = ("blind_posts", period)
    if key not in ctx._cache:
        p = ctx.con.table("posts")
        p = p.filter((p.published_at >= ibis.literal(period.start_utc)) & (p.published_at < ibis.literal(period.end_utc)))
        ctx._cache[key] = p.select("platform", "kind", "text", day=p.published_at.date()).to_pandas()
    return ctx._cache[key]


def words_of(text: Any, stop: frozenset[str]) -> set[str]:
    if not isinstance(text, str):
        return set()
    return {w for w in _WORD.findall(_NOISE.sub(" ", text.lower())) if w not in stop}


def _doc_counts(texts: pd.Series, stop: frozenset[str], seed: int) -> tuple[Counter[str], int]:
    texts = texts.dropna()
    if len(texts) > SAMPLE_CAP:
        texts = texts.sample(SAMPLE_CAP, random_state=seed)
    c: Counter[str] = Counter()
    for t in texts:
        c.update(words_of(t, stop))
    return c, len(texts)


def _word_findings(ctx: Context, inbound: pd.DataFrame, base_in: pd.DataFrame,
                   posts: pd.DataFrame, base_posts: pd.DataFrame) -> list[Finding]:
    stop = frozenset(stopwords())
    now, n_now = _doc_counts(inbound["text"], stop, ctx.seed)
    if n_now < MIN_N:
        return []
    candidates = [(w, k) for w, k in now.most_common(MAX_TERMS) if k >= MIN_TERM_DOCS]
    own = pd.concat([posts, base_posts])
    own = own[own["kind"] == "original"]
    said, n_own = _doc_counts(own["text"], stop, ctx.seed)
    base, n_base = _doc_counts(base_in["text"], stop, ctx.seed)
    from smi.insights.detectors.service import (
        ANSWER_WINDOW_DAYS,
        inbound_items,
        questions_with_chance,
    )

    qs = questions_with_chance(ctx, inbound_items(ctx, Period.month(ctx.month, ctx.timezone)))
    # Asked with a question mark: the question-word rule also catches "What a fantastic cast."
    unanswered = (qs.loc[~qs["answered"] & qs["text"].fillna("").str.contains(r"[?？؟]"), "text"]
                  if len(qs) else pd.Series(dtype=object))
    asked, n_asked = _doc_counts(unanswered, stop, ctx.seed)
    out: list[Finding] = []
    for w, k_q in asked.most_common(MAX_TERMS):
        if k_q < MIN_TERM_DOCS or n_own < MIN_N or said[w] > 0:
            continue
        c = compare_proportions(k_q, n_asked, 0, n_own)
        out.append(Finding(
            detector=NAME, question="blind_spot",
            title=f"Unanswered questions about “{w}”, and no post mentions it",
            summary=f"“{w}” is in {k_q} of the {n_asked} questions left unanswered this month ({c.share_a:.0%}, "
            f"no reply within {ANSWER_WINDOW_DAYS} days) and in none of the organisation's {n_own} original "
            "posts of this month and the three before.",
            metric="question_word_share", subject={"dimension": "word", "value": w, "against": "own posts"},
            comparison="the organisation's original posts (this month and the three before)",
            direction="higher", effect=Effect("difference", c.difference), ci=c.difference_ci,
            p_value=c.p_value, n=k_q,
            recommendation=f"Answer the “{w}” questions once for everyone: a post, a pinned note, a web page.",
            evidence=[{"texts": "unanswered questions, this month", "with_word": k_q, "of": n_asked},
                      {"texts": "own original posts", "with_word": 0, "of": n_own}],
        ))
    for w, k in candidates:
        if n_base >= MIN_N:
            kb = base[w]
            p = float(sps.binomtest(k, k + kb, n_now / (n_now + n_base), alternative="greater").pvalue) if k + kb else 1.0
            ratio = (k / n_now) / ((kb or 0.5) / n_base)
            se = math.sqrt(1 / k + 1 / (kb or 0.5))
            out.append(Finding(
                detector=NAME, question="blind_spot",
                title=f"Rising audience word: “{w}”",
                summary=f"“{w}” is in {k} of {n_now} inbound texts this month ({k / n_now:.1%}), against {kb} of "
                f"{n_base} in the three months before ({kb / n_base:.1%}).",
                metric="audience_word_share", subject={"dimension": "word", "value": w, "against": "baseline"},
                comparison="inbound texts of the three months before", direction="higher" if ratio > 1 else "lower",
                effect=Effect("ratio", ratio), ci=(ratio * math.exp(-1.96 * se), ratio * math.exp(1.96 * se)),
                p_value=p, n=k,
                recommendation=f"Something about “{w}” is new to your audience; find out what and respond.",
                evidence=[{"period": ctx.month, "with_word": k, "texts": n_now},
                          {"period": "baseline", "with_word": int(kb), "texts": n_base}],
            ))
    return out


def _dispersion(daily: pd.Series) -> float:
    """Variance over mean of daily counts (at least 1): the over-dispersion of a count."""
    m = float(daily.mean()) if len(daily) else 0.0
    return max(1.0, float(daily.var(ddof=1)) / m) if m > 0 and len(daily) > 1 else 1.0


def _days(p: Period) -> pd.DatetimeIndex:
    return pd.date_range(p.start, p.end - timedelta(days=1), freq="D")


def _quiet_platform_findings(ctx: Context, month: Period, base: Period, inbound: pd.DataFrame,
                             base_in: pd.DataFrame, posts: pd.DataFrame, base_posts: pd.DataFrame) -> list[Finding]:
    out: list[Finding] = []
    for plat in sorted(set(inbound["platform"]) | set(base_in["platform"])):
        i1 = int((inbound["platform"] == plat).sum())
        i0 = int((base_in["platform"] == plat).sum())
        p1 = int((posts["platform"] == plat).sum())
        p0 = int((base_posts["platform"] == plat).sum())
        if i1 < MIN_N or i0 < MIN_N or p0 < MIN_N:
            continue
        days0 = _days(base)
        daily = base_in[base_in["platform"] == plat].groupby("day").size()
        daily.index = pd.to_datetime(daily.index)
        daily = daily.reindex(days0, fill_value=0)
        phi = _dispersion(daily)
        p1_ = p1 or 0.5
        log_rr = math.log((i1 / p1_) / (i0 / p0))
        se = math.sqrt(phi * (1 / i1 + 1 / i0) + 1 / p1_ + 1 / p0)
        pv = float(2 * sps.norm.sf(abs(log_rr) / se))
        rr = math.exp(log_rr)
        out.append(Finding(
            detector=NAME, question="blind_spot",
            title=f"{plat}: {'more' if rr > 1 else 'less'} said to you per post than usual",
            summary=f"On {plat}, {i1} inbound items came in against {p1} posts of yours this month "
            f"({i1 / p1_:.1f} a post), against {i0} for {p0} posts in the three months before ({i0 / p0:.1f}).",
            metric="inbound_per_own_post", subject={"dimension": "platform", "value": plat},
            comparison="the platform's three months before", direction="higher" if rr > 1 else "lower",
            effect=Effect("ratio", rr), ci=(math.exp(log_rr - 1.96 * se), math.exp(log_rr + 1.96 * se)),
            p_value=min(pv, 1.0), n=i1,
            recommendation=f"People talk to you on {plat} more than you post there: answer them and post more."
            if rr > 1 else f"Fewer people respond on {plat} than your posting would suggest.",
            evidence=[{"period": ctx.month, "inbound": i1, "posts": p1}, {"period": "baseline", "inbound": i0, "posts": p0}],
        ))
    return out


def _sentiment_findings(ctx: Context, inbound: pd.DataFrame, base_in: pd.DataFrame) -> list[Finding]:
    out: list[Finding] = []
    now, before = inbound.dropna(subset=["sentiment"]), base_in.dropna(subset=["sentiment"])
    for plat in sorted(set(now["platform"])):
        a = now.loc[now["platform"] == plat, "sentiment"].to_numpy(dtype=float)
        b = before.loc[before["platform"] == plat, "sentiment"].to_numpy(dtype=float)
        if len(a) < MIN_N or len(b) < MIN_N:
            continue
        c = compare_values(a, b, seed=ctx.seed)
        out.append(Finding(
            detector=NAME, question="blind_spot",
            title=f"{plat}: the audience's tone is {'warmer' if c.difference > 0 else 'cooler'} than usual",
            summary=f"Mean sentiment of {len(a)} inbound texts on {plat} this month is {c.mean_a:+.2f} "
            f"(-1 to 1), against {c.mean_b:+.2f} for {len(b)} in the three months before.",
            metric="inbound_sentiment", subject={"dimension": "platform", "value": plat},
            comparison="the platform's three months before", direction="higher" if c.difference > 0 else "lower",
            effect=Effect("difference", c.difference), ci=c.difference_ci, p_value=c.p_value, n=len(a),
            recommendation="Read this month's comments to see what changed the mood.",
            evidence=[{"period": ctx.month, "texts": len(a), "mean": round(c.mean_a, 3)},
                      {"period": "baseline", "texts": len(b), "mean": round(c.mean_b, 3)}],
        ))
    return out


def nb_two_sided(x: int, mean: float, var: float) -> float:
    """Two-sided tail probability of a count x under a negative binomial with the given mean
    and variance (Poisson when var <= mean)."""
    if var <= mean:
        lo, hi = sps.poisson.cdf(x, mean), sps.poisson.sf(x - 1, mean)
    else:
        n = mean * mean / (var - mean)
        p = n / (n + mean)
        lo, hi = sps.nbinom.cdf(x, n, p), sps.nbinom.sf(x - 1, n, p)
    return float(min(1.0, 2 * min(lo, hi)))


def _anomalous_days(ctx: Context, month: Period, base: Period) -> list[Finding]:
    out: list[Finding] = []
    series = {
        "inbound_interactions": ("inbound items", ctx.metric("inbound_interactions", ("day",), month=ctx.month)),
    }
    start, last = ctx.baseline_range
    for name, (words, df) in series.items():
        base_df = ctx.metric(name, ("day",), from_=start, to=last)
        base_vals = pd.to_numeric(base_df.set_index("day")["value"], errors="coerce") if len(base_df) else pd.Series(dtype=float)
        if base_vals.notna().sum() < MIN_N:
            continue
        base_vals.index = pd.to_datetime(base_vals.index)
        base_vals = base_vals.reindex(_days(base)).fillna(0.0)
        mean, var = float(base_vals.mean()), float(base_vals.var(ddof=1))
        if mean <= 0:
            continue
        now = pd.to_numeric(df.set_index("day")["value"], errors="coerce") if len(df) else pd.Series(dtype=float)
        now.index = pd.to_datetime(now.index)
        now = now.reindex(_days(month)).fillna(0.0)
        for day, v in now.items():
            x = round(v)
            p = nb_two_sided(x, mean, var)
            ratio = (x or 0.5) / mean
            # exact (Garwood) 95% interval of the day's Poisson count, over the usual level
            lo = sps.chi2.ppf(0.025, 2 * x) / 2 / mean if x > 0 else 0.0
            hi = sps.chi2.ppf(0.975, 2 * x + 2) / 2 / mean
            out.append(Finding(
                detector=NAME, question="blind_spot",
                title=f"An unusual day: {day:%d %b}, {x} {words.split(' ')[0]}",
                summary=f"On {day:%A %d %B} there were {x} {words}, against a usual {mean:.0f} a day "
                f"(the {len(base_vals)} days of the three months before).",
                metric=name, subject={"dimension": "day", "value": f"{day:%Y-%m-%d}"},
                comparison="days of the three months before", direction="higher" if x > mean else "lower",
                effect=Effect("ratio", ratio), ci=(float(lo), float(hi)), p_value=p, n=len(base_vals),
                recommendation="Look at what happened that day: a post, an event, a complaint.",
                evidence=[{"day": f"{day:%Y-%m-%d}", "value": x, "usual": round(mean, 1), "sd": round(math.sqrt(var), 1)}],
            ))
    return out


@detector(name=NAME, question="blind_spot", min_n=MIN_N,
          description="Audience words the organisation never uses and rising ones, platforms where people "
          "talk to it more per post than usual, sentiment shifts, anomalous days.")
def blind_spots(ctx: Context) -> list[Finding]:
    month, base = _month_and_base(ctx)
    inbound, base_in = _inbound(ctx, month), _inbound(ctx, base)
    posts, base_posts = _own_posts(ctx, month), _own_posts(ctx, base)
    out: list[Finding] = []
    if len(inbound):
        out += _word_findings(ctx, inbound, base_in, posts, base_posts)
        out += _quiet_platform_findings(ctx, month, base, inbound, base_in, posts, base_posts)
        out += _sentiment_findings(ctx, inbound, base_in)
    out += _anomalous_days(ctx, month, base)
    return out


