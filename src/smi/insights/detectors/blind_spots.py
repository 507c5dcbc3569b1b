"""Blind spots: what the organisation is not seeing.

Tests made for the month (each a Finding, significant or not; the engine controls the
false-discovery rate over all of them):

- what the audience keeps asking about that the organisation's posts never address: words
  in at least MIN_TERM_DOCS of this month's inbound questions (answered or not: a reply
  reaches one person, a post everyone who wonders) whose share of the organisation's
  original posts (this month and the three before) is under 1/NO_COUNTERPART of their share
  of the questions; words of feeling (VADER's lexicon: "loved", "brilliant") raise no
  subject. Words that name one subject are grouped (most texts of the rarer word hold the
  other, or `smi enrich` put them among one audience topic's top keywords): one finding per
  subject, with its stored topic label and 2–3 example messages. Fisher's exact test of the
  subject's share of questions against its share of posts. A group with fewer than
  MIN_TERM_DOCS questions beyond those of the subjects before it is not a subject: its
  questions are another's (`_subjects`), and its words join that finding as evidence;
- rising audience words (grouped the same way; a word of a subject above is not repeated):
  a word's share of inbound texts this month against the baseline's (one-sided binomial test
  of the rate, conditional on both counts). Fewer than MIN_BASE_DOCS baseline texts: the
  effect is the difference of shares and the word is "new", never a ratio against ~0. A word
  that rises (p <= FOLD_P) but not without the texts holding a subject's words (fewer than
  MIN_TERM_DOCS left, or p > FOLD_P) is the subject again: it joins the subject's finding;
- inbound activity on a quiet platform: inbound items per own post this month against the
  platform's own baseline (log rate ratio; the variance of the inbound count is inflated
  by its day-to-day over-dispersion in the baseline, so a busy week is not a finding);
  not a finding on a platform whose own posting collapsed (that is the collapse again);
- sentiment shifts: inbound sentiment (only where known: English, enriched) per platform
  this month against the baseline (Mann–Whitney);
- surges: each day's inbound items (all platforms) against a forecast from the baseline's
  days (Poisson regression with trend and weekday terms, negative-binomial over-dispersion by
  moments; `stats.count_forecast`). Days with an upper tail p < SURGE_DAY_P are unusual;
  consecutive unusual days are one surge, one finding, whose p-value is the smallest day's
  times the days of the month (Bonferroni: under no surge, some day that unlikely has at most
  that chance). With no unusual day the month's busiest day is the one test. Engagements by
  day are not tested: they are lifetime totals of the posts published that day, so the
  month's last days always look low until their posts have aged;
- a collapsed platform: its posts a day and the engagements of those posts a day in the
  month against the level of its three months before (`stats.level_shift` with weekday terms
  and AR(1) errors; no trend: a decline under way is part of the collapse). Both must
  fall by the `activity` minimum (50%); each test is one-sided (only a fall is reported)
  and the finding's p is the larger of the two (intersection–union).

Every test must also reach its family's minimum effect (`words`, `days`, `activity`;
smi.insights.thresholds); one below it is returned with p = 1.

Words are lower-cased runs of three or more letters, links and @mentions dropped,
English, Welsh and social stopwords removed (smi.enrich.stopwords); a text counts a word
once. The enrichment's topic tables are per month and per scope but not per text, so the
words are counted here and the stored topics group them and name them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import ibis
import numpy as np
import pandas as pd
from scipy import stats as sps

from smi.enrich.stopwords import stopwords
from smi.insights.engine import Context
from smi.insights.finding import Effect, Finding, make_finding
from smi.insights.registry import detector
from smi.insights.stats import (
    compare_proportions,
    compare_values,
    count_forecast,
    level_shift,
    nb_tail,
)
from smi.insights.thresholds import matters, min_effect, ratio_allowed
from smi.messages import M, P, day_p, month_p, num_p, pct_p, platform_p
from smi.metrics.period import Period
from smi.metrics.service import is_question

NAME = "blind_spots"
MIN_N = 20
MIN_TERM_DOCS = 20  # a word must be in this many inbound texts this month to be tested
MAX_TERMS = 50  # most frequent words tested a month (each is one test)
MIN_BASE_DOCS = 5  # a rising word's ratio needs this many baseline texts; fewer: the difference, "new"
NO_COUNTERPART = 10  # a word "has no counterpart" when its share of own posts is under 1/10 of the audience's
SAME_TOPIC = 0.6  # two words name one subject when this share of the rarer one's texts hold both
TOPIC_KEYWORDS = 5  # top keywords of a stored audience topic that join its words into one subject
SURGE_DAY_P = 0.01  # a day this unlikely under the forecast joins a surge
REACTION_VALENCE = 1.0  # VADER valence at which a word is a feeling, not a subject
FOLD_P = 0.05  # a rising word still higher without a subject's texts at this p is a rise of its own
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


def _reaction_words() -> frozenset[str]:
    """Words that carry a feeling, not a subject ("loved", "brilliant"): VADER's lexicon."""
    from smi.enrich.sentiment import _analyzer

    return frozenset(w for w, v in _analyzer().lexicon.items() if abs(v) >= REACTION_VALENCE)


def _stored_topics(ctx: Context) -> list[dict[str, Any]]:
    """The audience topics `smi enrich` stored for the month (none when not enriched)."""
    t = ctx.con.table("topics")
    t = t.filter((t.scope == "audience") & (t.period == ctx.month))
    return t.select("topic", "label", "keywords", "documents", "share").order_by("topic").to_pandas().to_dict("records")


def _groups(words: list[str], docs: dict[str, set[int]], topics: list[dict[str, Any]]) -> list[list[str]]:
    """Words that name one subject, together: those where most texts of the rarer word hold the
    other too (overlap coefficient >= SAME_TOPIC) or among the top keywords of one stored audience topic. Most frequent first."""
    parent = {w: w for w in words}

    def root(w: str) -> str:
        while parent[w] != w:
            parent[w] = parent[parent[w]]
            w = parent[w]
        return w

    for i, a in enumerate(words):
        for b in words[i + 1:]:
            inter = len(docs[a] & docs[b])
            if inter and inter / min(len(docs[a]), len(docs[b])) >= SAME_TOPIC:
                parent[root(b)] = root(a)
    for t in topics:
        kws = [k for k in list(t["keywords"])[:TOPIC_KEYWORDS] if k in parent]
        for k in kws[1:]:
            parent[root(k)] = root(kws[0])
    out: dict[str, list[str]] = {}
    for w in words:
        out.setdefault(root(w), []).append(w)
    return sorted((sorted(g, key=lambda w: -len(docs[w])) for g in out.values()),
                  key=lambda g: -len(docs[g[0]]))


def _subjects(groups: list[list[str]], qdocs: dict[str, set[int]]) -> list[tuple[list[str], set[int], list[tuple[str, int]]]]:
    """The subjects among the groups of quiet words, most frequent first: (words, the questions
    that hold them, other words that join it). A group with fewer than MIN_TERM_DOCS questions
    beyond those of the subjects before it is not a subject of its own: its questions are
    mostly another subject's (a word of the wheelchair questions that ordinary questions use
    too), so it joins the subject whose questions it shares most, named in its summary and
    evidence, and is not tested again."""
    out: list[tuple[list[str], set[int], list[tuple[str, int]]]] = []
    covered: set[int] = set()
    for group in groups:
        idx = set().union(*(qdocs[w] for w in group))
        if out and len(idx - covered) < MIN_TERM_DOCS:
            home = max(out, key=lambda s: len(s[1] & idx))
            home[2].extend((w, len(qdocs[w])) for w in group)
            continue
        out.append((group, idx, []))
        covered |= idx
    return out


def _examples(texts: list[str], idx: set[int], group: list[str], stop: frozenset[str], k: int = 3) -> list[str]:
    """Up to k distinct example messages, those naming most of the topic's words first."""
    ranked = sorted(idx, key=lambda i: (-len(words_of(texts[i], stop) & set(group)), len(texts[i]), i))
    out: list[str] = []
    for i in ranked:
        t = " ".join(texts[i].split())
        if t not in out:
            out.append(t if len(t) <= 160 else t[:157] + "…")
        if len(out) == k:
            break
    return out


def _word_findings(ctx: Context, inbound: pd.DataFrame, base_in: pd.DataFrame,
                   posts: pd.DataFrame, base_posts: pd.DataFrame) -> list[Finding]:
    stop = frozenset(stopwords())
    texts = inbound["text"].dropna()
    if len(texts) > SAMPLE_CAP:
        texts = texts.sample(SAMPLE_CAP, random_state=ctx.seed)
    texts_l = [str(t) for t in texts]
    asking = inbound.loc[texts.index, "question"].fillna(False).astype(bool).tolist()
    if len(texts_l) < MIN_N:
        return []
    docs: dict[str, set[int]] = {}
    for i, t in enumerate(texts_l):
        for w in words_of(t, stop):
            docs.setdefault(w, set()).add(i)
    n_now = len(texts_l)
    own = pd.concat([posts, base_posts])
    own = own[own["kind"] == "original"]
    own_sets = [words_of(t, stop) for t in own["text"].dropna()]
    n_own = len(own_sets)
    said: Counter[str] = Counter(w for ws in own_sets for w in ws)
    base, n_base = _doc_counts(base_in["text"], stop, ctx.seed)
    reactions = _reaction_words()
    topics = _stored_topics(ctx)
    from smi.insights.detectors.service import (
        ANSWER_WINDOW_DAYS,
        inbound_items,
        questions_with_chance,
    )

    qs = questions_with_chance(ctx, inbound_items(ctx, Period.month(ctx.month, ctx.timezone)))
    # each question with a week to be answered: its words and whether it was (item by item)
    q_words = [(words_of(t, stop), bool(a)) for t, a in zip(qs["text"], qs["answered"], strict=True)] if len(qs) else []
    frequent = sorted(((w, len(d)) for w, d in docs.items() if len(d) >= MIN_TERM_DOCS),
                      key=lambda x: (-x[1], x[0]))[:MAX_TERMS]
    out: list[Finding] = []
    used: set[str] = set()
    subjects: list[tuple[int, set[int]]] = []  # (index in out, the texts of its questions)

    # 1. what the audience keeps asking about that the organisation's posts never address
    # (questions, answered or not: a reply reaches one person; "loved it" raises nothing)
    q_idx = {i for i, a in enumerate(asking) if a}
    n_q = len(q_idx)
    qdocs = {w: d & q_idx for w, d in docs.items()}
    if n_own >= MIN_N and n_q >= MIN_N:
        asked = sorted(((w, len(d)) for w, d in qdocs.items() if len(d) >= MIN_TERM_DOCS),
                       key=lambda x: (-x[1], x[0]))[:MAX_TERMS]
        quiet = [w for w, k in asked if w not in reactions and said[w] / n_own * NO_COUNTERPART < k / n_q]
        for group, idx, within in _subjects(_groups(quiet, qdocs, topics), qdocs):
            k = len(idx)
            k_own = sum(1 for ws in own_sets if ws & set(group))
            c = compare_proportions(k, n_q, k_own, n_own)
            ok = matters("words", ctx.profile, subject=c.share_a, comparison=c.share_b)
            named = ", ".join(f"“{w}”" for w in group[:4])
            hit = [a for ws_, a in q_words if ws_ & set(group)]
            replied, open_q = sum(hit), len(hit) - sum(hit)
            stored = [t for t in topics if set(list(t["keywords"])[:TOPIC_KEYWORDS]) & set(group)]
            examples = _examples(texts_l, idx, group, stop)
            del named
            said = {"named": ", ".join(f"“{w}”" for w in group[:4]), "k": k, "n_q": n_q, "share": pct_p(c.share_a),
                    "k_own": k_own, "n_own": n_own, "days": ANSWER_WINDOW_DAYS, "replied": replied,
                    "open": open_q, "examples": " / ".join(f"“{e}”" for e in examples)}
            sentences = [M("%(k)s of the %(n_q)s questions from the audience this month (%(share)s) are about "
                           "%(named)s; %(k_own)s of the organisation's %(n_own)s original posts of this month and "
                           "the three before mention it.", **said),
                         M("Of those asked at least %(days)s days before the data ends, %(replied)s got a reply "
                           "within %(days)s days and %(open)s did not.", **said)]
            if stored:
                sentences.append(M("The audience's topics found by enrichment include it: “%(topic)s”.",
                                   topic=stored[0]["label"]))
            if examples:
                sentences.append(M("For example: %(examples)s", **said))
            if within:
                sentences.append(M("Its questions also use %(words)s (%(counts)s questions), too few beyond them "
                                   "to be a subject of their own.", words=", ".join(f"“{w}”" for w, _ in within),
                                   counts=", ".join(str(n) for _, n in within)))
            used.update(group)
            used.update(w for w, _ in within)
            subjects.append((len(out), idx))
            out.append(make_finding(
                detector=NAME, question="blind_spot",
                title=(M("Your audience asks about %(named)s; your posts never do", **said) if k_own == 0 else
                       M("Your audience asks about %(named)s; your posts rarely do", **said)),
                summary=sentences,
                metric="audience_topic_share", subject={"dimension": "word", "value": group[0], "against": "own posts"},
                comparison="the organisation's original posts (this month and the three before)",
                direction="higher", effect=Effect("difference", c.difference), ci=c.difference_ci,
                p_value=c.p_value if ok else 1.0, n=k,
                recommendation=M("Answer %(named)s in a post of your own next month (or a pinned note, a web "
                                 "page) on the platform where it was asked: %(k)s people asked, and a reply to each "
                                 "reaches one person, not everyone who wonders.", **said),
                evidence=[{"texts": M("audience questions, this month"), "with_topic": k, "of": n_q,
                           "answered": replied, "unanswered": open_q},
                          {"texts": M("own original posts"), "with_topic": k_own, "of": n_own},
                          *[{"texts": M("example"), "message": e} for e in examples],
                          *[{"texts": M("questions also using the word"), "word": w, "with_word": n}
                            for w, n in within]],
            ))

    # 2. rising audience words (those of a topic above excepted: one finding per subject)
    if n_base >= MIN_N:
        rising = [w for w, _ in frequent if w not in used and w not in reactions]
        # the texts of this month that hold a subject's words (its questions and any other text
        # naming it): a word that rises only inside them is the subject again
        named = set().union(*(docs[w] for w in used if w in docs)) if used else set()
        for group in _groups(rising, docs, topics):
            w = group[0]
            k, kb = len(docs[w]), base[w]
            p = float(sps.binomtest(k, k + kb, n_now / (n_now + n_base), alternative="greater").pvalue) if k + kb else 1.0
            sa, sb = k / n_now, kb / n_base
            ok = matters("words", ctx.profile, subject=sa, comparison=sb)
            if named and subjects and ok and p <= FOLD_P:
                k_rest, n_rest = len(docs[w] - named), n_now - len(named)
                p_rest = (float(sps.binomtest(k_rest, k_rest + kb, n_rest / (n_rest + n_base),
                                              alternative="greater").pvalue) if k_rest + kb and n_rest > 0 else 1.0)
                if k_rest < MIN_TERM_DOCS or p_rest > FOLD_P:  # it rose inside a subject's texts only
                    i, _ = max(subjects, key=lambda s: (len(s[1] & docs[w]), -s[0]))
                    out[i] = out[i].with_(evidence=[*out[i].evidence, {
                        "texts": M("texts also using the word"), "word": w, "with_word": k}]).with_sentence(
                        M("%(word)s, in %(k)s comments and messages this month (%(rest)s of them without the "
                          "subject's words), rose with it.", word=f"“{w}”", k=k, rest=k_rest))
                    continue
            also = f" (with {', '.join(f'“{x}”' for x in group[1:4])})" if len(group) > 1 else ""
            word_said = {"word": f"“{w}”", "also": ", ".join(f"“{x}”" for x in group[1:4]), "k": k, "n": n_now,
                         "sa": pct_p(sa), "kb": int(kb), "nb": n_base, "sb": pct_p(sb)}
            del also
            if kb >= MIN_BASE_DOCS and ratio_allowed("words", ctx.profile, sb):
                ratio = sa / sb
                se = math.sqrt(1 / k + 1 / kb)
                effect, ci = Effect("ratio", ratio), (ratio * math.exp(-1.96 * se), ratio * math.exp(1.96 * se))
                title = (M("Rising audience word: %(word)s (with %(also)s)", **word_said) if len(group) > 1
                         else M("Rising audience word: %(word)s", **word_said))
            else:  # (next to) nothing before: a ratio against ~0 says nothing; the difference of shares
                c = compare_proportions(k, n_now, kb, n_base)
                effect, ci = Effect("difference", c.difference), c.difference_ci
                title = (M("New audience word: %(word)s (with %(also)s)", **word_said) if len(group) > 1
                         else M("New audience word: %(word)s", **word_said))
            out.append(make_finding(
                detector=NAME, question="blind_spot", title=title,
                summary=M("%(word)s is in %(k)s of %(n)s comments and messages to you this month (%(sa)s), against "
                          "%(kb)s of %(nb)s in the three months before (%(sb)s).", **word_said),
                metric="audience_word_share", subject={"dimension": "word", "value": w, "against": "baseline"},
                comparison="inbound texts of the three months before", direction="higher" if sa > sb else "lower",
                effect=effect, ci=ci, p_value=p if ok else 1.0, n=k,
                recommendation=M("Something about %(word)s is new to your audience: read the %(k)s messages "
                                 "that use it, find out what it is, and respond in a post.", **word_said),
                evidence=[{"period": ctx.month, "with_word": k, "texts": n_now},
                          {"period": M("the three months before"), "with_word": int(kb), "texts": n_base},
                          *[{"period": M("example"), "message": e}
                            for e in _examples(texts_l, docs[w], group, stop, 2)]],
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
        said = {"platform": platform_p(plat), "i1": i1, "p1": p1, "a": num_p(round(i1 / p1_, 1)), "i0": i0, "p0": p0,
                "b": num_p(round(i0 / p0, 1))}
        out.append(make_finding(
            detector=NAME, question="blind_spot",
            title=(M("%(platform)s: more said to you per post than usual", **said) if rr > 1 else
                   M("%(platform)s: less said to you per post than usual", **said)),
            summary=M("On %(platform)s, %(i1)s comments and messages came in against %(p1)s posts of yours this "
                      "month (%(a)s a post), against %(i0)s for %(p0)s posts in the three months before (%(b)s).",
                      **said),
            metric="inbound_per_own_post", subject={"dimension": "platform", "value": plat},
            comparison="the platform's three months before", direction="higher" if rr > 1 else "lower",
            effect=Effect("ratio", rr), ci=(math.exp(log_rr - 1.96 * se), math.exp(log_rr + 1.96 * se)),
            p_value=min(pv, 1.0), n=i1,
            recommendation=(M("People talk to you on %(platform)s more than you post there (%(a)s comments and "
                              "messages a post): answer them, and post there more often next month.", **said)
                            if rr > 1 else
                            M("Fewer people respond on %(platform)s than your %(p1)s posts would suggest: look at "
                              "which posts drew no response and try a question or a call to action.", **said)),
            evidence=[{"period": ctx.month, "inbound": i1, "posts": p1},
                      {"period": M("the three months before"), "inbound": i0, "posts": p0}],
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
        said = {"platform": platform_p(plat), "n": len(a), "m": len(b), "a": f"{c.mean_a:+.2f}", "b": f"{c.mean_b:+.2f}"}
        out.append(make_finding(
            detector=NAME, question="blind_spot",
            title=(M("%(platform)s: the audience's tone is warmer than usual", **said) if c.difference > 0 else
                   M("%(platform)s: the audience's tone is cooler than usual", **said)),
            summary=M("The average tone of %(n)s comments and messages on %(platform)s this month is %(a)s (on a "
                      "scale from -1 to 1), against %(b)s for %(m)s in the three months before.", **said),
            metric="inbound_sentiment", subject={"dimension": "platform", "value": plat},
            comparison="the platform's three months before", direction="higher" if c.difference > 0 else "lower",
            effect=Effect("difference", c.difference), ci=c.difference_ci, p_value=c.p_value, n=len(a),
            recommendation=M("Read this month's %(n)s comments and messages on %(platform)s to see what changed "
                             "the mood, and answer the ones that need it.", **said),
            evidence=[{"period": ctx.month, "texts": len(a), "mean": round(c.mean_a, 3)},
                      {"period": M("the three months before"), "texts": len(b), "mean": round(c.mean_b, 3)}],
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


def _runs(flags: list[bool]) -> list[tuple[int, int]]:
    """(first, last) index of each run of consecutive True."""
    out, start = [], None
    for i, f in enumerate([*flags, False]):
        if f and start is None:
            start = i
        elif not f and start is not None:
            out.append((start, i - 1))
            start = None
    return out


def _surges(ctx: Context, month: Period, base: Period, minus: Counter[Any] | None = None) -> list[Finding]:
    """Runs of unusually busy days in the month: one finding per run (see the module doc).
    `minus` (local day -> items): items left out of each day's count, baseline and month (an
    audience topic's questions, `without_texts`)."""
    out: list[Finding] = []
    start, last = ctx.baseline_range
    name = "inbound_interactions"
    base_df = ctx.metric(name, ("day",), from_=start, to=last)
    if base_df.empty or pd.to_numeric(base_df["value"], errors="coerce").notna().sum() < MIN_N:
        return out
    base_vals = pd.to_numeric(base_df.set_index("day")["value"], errors="coerce")
    base_vals.index = pd.to_datetime(base_vals.index)
    base_vals = base_vals.reindex(_days(base)).fillna(0.0)
    df = ctx.metric(name, ("day",), month=ctx.month)
    now = pd.to_numeric(df.set_index("day")["value"], errors="coerce") if len(df) else pd.Series(dtype=float)
    now.index = pd.to_datetime(now.index)
    now = now.reindex(_days(month)).fillna(0.0)
    if minus:
        less = pd.Series({pd.Timestamp(d): float(k) for d, k in minus.items()}, dtype=float)
        base_vals = (base_vals - less.reindex(base_vals.index).fillna(0.0)).clip(lower=0.0)
        now = (now - less.reindex(now.index).fillna(0.0)).clip(lower=0.0)
    if float(base_vals.mean()) <= 0:
        return out
    fc = count_forecast(list(base_vals.index), base_vals.tolist(), list(now.index))
    xs = [round(v) for v in now.tolist()]
    p_day = [nb_tail(x, float(mu), fc.alpha, upper=True) for x, mu in zip(xs, fc.expected, strict=True)]
    m = len(xs)
    runs = _runs([p < SURGE_DAY_P for p in p_day])
    if not runs:  # the month's one test: its busiest day, against the forecast
        i = min(range(m), key=lambda j: p_day[j])
        runs = [(i, i)]
    me = min_effect("days", ctx.profile)
    for i0, i1 in runs:
        days = list(now.index[i0:i1 + 1])
        total = sum(xs[i0:i1 + 1])
        expected = float(fc.expected[i0:i1 + 1].sum())
        # Bonferroni over the month's days: P(some day has p <= p_min) <= m * p_min under no surge
        p = min(1.0, m * min(p_day[i0:i1 + 1]))
        ok = matters("days", ctx.profile, subject=total, comparison=expected)
        var = expected + fc.alpha * float((fc.expected[i0:i1 + 1] ** 2).sum())
        when = f"{days[0]:%d %b}" if len(days) == 1 else f"{days[0]:%d}–{days[-1]:%d %b}"
        span = "day" if len(days) == 1 else f"{len(days)} days"
        if expected >= me.floor:
            ratio = total / expected
            lo = max(0.0, (total - 1.96 * math.sqrt(var)) / expected)
            hi = (total + 1.96 * math.sqrt(var)) / expected
            effect, ci = Effect("ratio", ratio), (min(lo, ratio), max(hi, ratio))
        else:
            d = total - expected
            effect, ci = Effect("difference", d), (d - 1.96 * math.sqrt(var), d + 1.96 * math.sqrt(var))
        del when, span  # (said as a message below)
        said = {"first": day_p(days[0].date().isoformat()), "last": day_p(days[-1].date().isoformat()),
                "total": total, "expected": num_p(round(expected)), "base": len(base_vals)}
        out.append(make_finding(
            detector=NAME, question="blind_spot",
            title=(P("A surge: %(first)s, %(total)s comments and messages in one day",
                     "A surge: %(first)s to %(last)s, %(total)s comments and messages in %(n)s days",
                     len(days), **said)),
            summary=(M("From %(first)s to %(last)s there were %(total)s comments and messages to you, against "
                       "%(expected)s expected from the trend and weekdays of the %(base)s days before.", **said)
                     if len(days) > 1 else
                     M("On %(first)s there were %(total)s comments and messages to you, against %(expected)s "
                       "expected from the trend and weekdays of the %(base)s days before.", **said)),
            metric=name, subject={"dimension": "day", "value": f"{days[0]:%Y-%m-%d}"},
            comparison="a forecast from the three months before (trend and weekdays)",
            direction="higher", effect=effect, ci=(float(ci[0]), float(ci[1])),
            p_value=p if ok else 1.0, n=len(base_vals),
            recommendation=M("Look at what happened on %(first)s: a post, an event, a complaint. Read that day's "
                             "messages first, and answer any still waiting.", **said),
            evidence=[{"day": f"{d:%Y-%m-%d}", "value": xs[i0 + j], "expected": round(float(fc.expected[i0 + j]), 1)}
                      for j, d in enumerate(days)],
        ))
    return out


def _fell(s: Any) -> float:
    """One-sided p-value of a fall from a two-sided level_shift test."""
    return s.p_value / 2 if s.shift < 0 else 1 - s.p_value / 2


def _collapses(ctx: Context, month: Period, base: Period) -> list[Finding]:
    """Platforms whose posting and engagement both fell sharply against the three months before."""
    out: list[Finding] = []
    start, last = ctx.baseline_range
    m_first, m_last = month.start, month.end - timedelta(days=1)
    series: dict[str, dict[str, tuple[list[Any], list[float], list[Any], list[float]]]] = {}
    for metric in ("posts", "engagements"):
        b_df = ctx.metric(metric, ("platform", "day"), from_=start, to=last)
        m_df = ctx.metric(metric, ("platform", "day"), from_=m_first, to=m_last)
        for plat in sorted(set(b_df["platform"].astype(str)) if len(b_df) else set()):
            def daily(df: pd.DataFrame, p: Period, plat: str = plat) -> tuple[list[Any], list[float]]:
                got = df[df["platform"].astype(str) == plat]
                v = pd.to_numeric(got.set_index("day")["value"], errors="coerce")
                v.index = pd.to_datetime(v.index)
                days = _days(p)
                return list(days), v.reindex(days).fillna(0.0).tolist()
            series.setdefault(plat, {})[metric] = (*daily(b_df, base), *daily(m_df, month))
    for plat, got in sorted(series.items()):
        if set(got) != {"posts", "engagements"}:
            continue
        b_posts = sum(got["posts"][1])
        if b_posts < MIN_N:  # a platform barely used before cannot collapse
            continue
        tests = {}
        for metric, (bd, bv, md, mv) in got.items():
            # against the level of the baseline (weekdays, no trend: a decline under way is part of
            # what collapsed), AR(1) errors for autocorrelated days
            tests[metric] = level_shift(bd, bv, md, mv, trend=False)
        sp, se_ = tests["posts"], tests["engagements"]
        if sp.expected <= 0 or se_.expected <= 0:
            continue
        r_posts, r_eng = sp.observed / sp.expected, se_.observed / se_.expected
        # The engagements' fall is tested on log(1 + a day's engagements) (`log_fall`): daily sums
        # are heavy-tailed, so on the raw scale one big day in the baseline decides the standard
        # error (a generated LinkedIn with engagements down 99% read p = 0.008, q = 0.11, and the
        # fall was stated piecemeal as "inbound fell" and "reconsider" instead).
        bd, bv, md, mv = got["engagements"]
        log_fall = level_shift(bd, np.log1p(bv), md, np.log1p(mv), trend=False)
        ok = (matters("activity", ctx.profile, subject=sp.observed, comparison=sp.expected)
              and r_posts < 1 and r_eng < 1 and 1 - r_eng >= min_effect("activity", ctx.profile).relative)
        # one-sided (only a fall is a collapse), and intersection–union: both must have fallen,
        # so the larger of the two one-sided p-values is the test's
        p = max(_fell(sp), _fell(log_fall)) if ok else 1.0
        lo, hi = (max(0.0, (sp.expected + x) / sp.expected) for x in sp.shift_ci)
        n_now, n_before = round(sum(got["posts"][3])), round(b_posts)
        e_now, e_before = round(sum(got["engagements"][3])), round(sum(got["engagements"][1]))
        said = {"platform": platform_p(plat), "posts": pct_p(abs(r_posts - 1)), "eng": pct_p(abs(r_eng - 1)),
                "n_now": n_now, "n_before": n_before, "e_now": e_now, "month": month_p(ctx.month),
                "a": num_p(round(sp.observed, 2)), "b": num_p(round(sp.expected, 2)),
                "ea": num_p(round(se_.observed, 1)), "eb": num_p(round(se_.expected, 1))}
        out.append(make_finding(
            detector=NAME, question="blind_spot",
            title=(M("%(platform)s: activity collapsed (posts down %(posts)s, engagements down %(eng)s)", **said)
                   if ok and r_eng < 1 else
                   M("%(platform)s: activity against the three months before", **said)),
            summary=[M("On %(platform)s, %(n_now)s posts went out in %(month)s (%(a)s a day) against %(n_before)s "
                       "in the three months before (%(b)s a day).", **said),
                     M("Their engagements came to %(e_now)s (%(ea)s a day, against %(eb)s).", **said)],
            metric="platform_activity", subject={"dimension": "platform", "value": plat},
            comparison="the platform's three months before (level by weekday)", direction="lower",
            effect=Effect("ratio", r_posts), ci=(min(lo, r_posts), max(hi, r_posts)), p_value=p, n=(month.end - month.start).days,
            recommendation=M("Decide about %(platform)s on purpose at the next meeting: bring it back to its usual "
                             "%(b)s posts a day, or say that you are leaving it (a pinned note, a link to where you "
                             "are) rather than letting it go quiet.", **said),
            evidence=[{"period": M("the three months before"), "posts": n_before, "engagements": e_before,
                       "posts_a_day": round(sp.expected, 3)},
                      {"period": ctx.month, "posts": n_now, "engagements": e_now, "posts_a_day": round(sp.observed, 3)}],
        ))
    return out


def without_texts(ctx: Context, drop: Callable[[Any], bool]) -> list[Finding]:
    """The month's tests of the inbound items themselves (said per own post, tone, surges),
    made again without the inbound texts `drop` marks, in the baseline and the month: the
    engine sets a finding beside its re-test to see whether it is an audience topic's
    questions again (`engine.inbound_by_topic`)."""
    month, base = _month_and_base(ctx)
    inbound, base_in = _inbound(ctx, month), _inbound(ctx, base)
    if inbound.empty:
        return []
    out_now, out_base = inbound["text"].map(drop).astype(bool), base_in["text"].map(drop).astype(bool)
    now, before = inbound[~out_now], base_in[~out_base]
    posts, base_posts = _own_posts(ctx, month), _own_posts(ctx, base)
    minus: Counter[Any] = Counter(pd.concat([inbound.loc[out_now, "day"], base_in.loc[out_base, "day"]]))
    found = _quiet_platform_findings(ctx, month, base, now, before, posts, base_posts) if len(now) else []
    found += _sentiment_findings(ctx, now, before)
    return found + _surges(ctx, month, base, minus)


@detector(name=NAME, question="blind_spot", min_n=MIN_N,
          description="Subjects the audience asks about that the organisation's posts never address, "
          "rising audience words, platforms where people talk to it more per post than usual, sentiment "
          "shifts, surges of unusual days, platforms whose activity collapsed.")
def blind_spots(ctx: Context) -> list[Finding]:
    month, base = _month_and_base(ctx)
    inbound, base_in = _inbound(ctx, month), _inbound(ctx, base)
    posts, base_posts = _own_posts(ctx, month), _own_posts(ctx, base)
    out: list[Finding] = []
    if len(inbound):
        out += _word_findings(ctx, inbound, base_in, posts, base_posts)
        out += _quiet_platform_findings(ctx, month, base, inbound, base_in, posts, base_posts)
        out += _sentiment_findings(ctx, inbound, base_in)
    out += _surges(ctx, month, base)
    collapsed = _collapses(ctx, month, base)
    gone = {f.subject["value"] for f in collapsed if f.p_value < 0.05}
    # more said per post on a platform whose posting collapsed is the collapse again, not news
    out = [f.with_(p_value=1.0) if f.metric == "inbound_per_own_post" and f.subject["value"] in gone else f
           for f in out]
    return out + collapsed


