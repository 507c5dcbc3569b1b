"""Q2 Practice: what kind of post does better or worse than the account's own baseline.

For each account, over the month and its three-month baseline (so a small month still has
enough posts), the posts with one value of a dimension (format, kind, label, language,
length, local weekday, local hour) are compared with the same account's other posts:
per-post engagement rate by impressions where the account's posts carry impressions,
else engagements per post (the finding's `metric` says which). Two-sided Mann–Whitney
(stats.compare_values); one finding per test, significant or not.

What is compared:
- kind: originals against quotes. Replies answer people; they are not posts to compare.
- length: the account's own terciles of text length (short / medium / long).
- label: a post with two labels counts under each.
- topics: the store keeps topic clusters, not which post has which topic, so they are
  not tested here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from smi.insights.detectors._posts import bar_chart, post_frame, times, window, window_words
from smi.insights.engine import Context
from smi.insights.finding import Effect, Finding
from smi.insights.registry import detector
from smi.insights.stats import compare_values

NAME = "practice"
MIN_N = 10
KINDS = ("original", "quote")
RATE = "engagement_rate_impressions"
PER_POST = "engagements_per_post"
DIMENSIONS = ("format", "kind", "label", "language", "length", "weekday", "hour")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
LANGUAGES = {"cy": "Welsh", "en": "English", "cy+en": "bilingual (Welsh and English)",
             "other": "other-language"}  # smi.enrich.language writes `other` outside the focus
PLATFORM_NAMES = {"x": "X", "facebook": "Facebook", "instagram": "Instagram", "linkedin": "LinkedIn",
                  "mastodon": "Mastodon", "youtube": "YouTube", "bluesky": "Bluesky"}


def platform_name(p: str) -> str:
    return PLATFORM_NAMES.get(p, p)


def _values(g: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The account's posts that have the metric, with `value`, and the metric's name."""
    g = g[g.engagements.notna()]
    has_imp = g.impressions.notna() & (g.impressions > 0)
    if len(g) and has_imp.mean() >= 0.5:
        g = g[has_imp]
        return g.assign(value=g.engagements / g.impressions), RATE
    return g.assign(value=g.engagements.astype(float)), PER_POST


def _groups(g: pd.DataFrame, dim: str) -> list[tuple[Any, pd.Series]]:
    """(value, mask of the posts that have it) for each value of the dimension."""
    if dim == "label":
        labels = g.labels.apply(lambda x: list(x) if x is not None else [])
        values = sorted({v for xs in labels for v in xs})
        return [(v, labels.apply(lambda xs, v=v: v in xs)) for v in values]
    if dim == "length":
        n = g.text.fillna("").str.len()
        if n.nunique() < 3:
            return []
        lo, hi = np.quantile(n, [1 / 3, 2 / 3])
        cut = np.where(n <= lo, "short", np.where(n <= hi, "medium", "long"))
        return [(v, pd.Series(cut == v, index=g.index)) for v in ("short", "medium", "long")]
    if dim == "weekday":
        col = g.published.dt.day_of_week + 1
    elif dim == "hour":
        col = g.published.dt.hour
    else:
        col = g[dim]
    return [(v, col == v) for v in sorted(col.dropna().unique())]


def _describe(dim: str, value: Any) -> tuple[str, str]:
    """(plural noun for the posts with the value, short label)."""
    if dim == "format":
        return f"{value} posts", str(value)
    if dim == "kind":
        return {"original": "original posts", "quote": "quote posts"}.get(value, f"{value} posts"), str(value)
    if dim == "label":
        return f"posts labelled '{value}'", str(value)
    if dim == "language":
        lang = LANGUAGES.get(value, str(value))
        return f"{lang} posts", lang
    if dim == "length":
        return f"{value} posts (by text length)", str(value)
    if dim == "weekday":
        day = WEEKDAYS[int(value) - 1]
        return f"posts on {day}s", day
    return f"posts at {int(value):02d}:00–{int(value):02d}:59", f"{int(value):02d}:00"


def _finding(ctx: Context, acc: str, platform: str, dim: str, value: Any, metric: str,
             a: pd.Series, b: pd.Series, period_words: str) -> Finding | None:
    c = compare_values(a.tolist(), b.tolist(), seed=ctx.seed)
    if c.ratio is None or c.ratio_ci is None:
        return None
    what, label = _describe(dim, value)
    where = platform_name(platform)
    measure = "engagement rate" if metric == RATE else "engagements per post"
    direction = "higher" if c.ratio >= 1 else "lower"
    lo, hi = c.ratio_ci
    summary = (f"{where} {what} on {acc} got {times(c.ratio)} the {measure} of the account's other posts "
               f"(95% CI {lo:.1f}–{hi:.1f}×; {c.n_a} {what} vs {c.n_b} other posts, {period_words}).")
    if direction == "higher":
        rec = f"Do more {what} on {where}, and keep watching whether the lead holds."
    else:
        rec = f"Rethink {what} on {where}: try fewer, or change how they are made, and compare next month."
    unit = "engagements per impression" if metric == RATE else "engagements per post"
    evidence = [
        {"group": label, "posts": c.n_a, "mean": round(c.mean_a, 4)},
        {"group": "other posts", "posts": c.n_b, "mean": round(c.mean_b, 4)},
    ]
    return Finding(
        detector=NAME, question="Q2",
        title=f"{where}: {what} {'do better' if direction == 'higher' else 'do worse'}",
        summary=summary, metric=metric,
        subject={"account": acc, "platform": platform, "dimension": dim,
                 "value": value.item() if hasattr(value, "item") else value},
        comparison=f"the other posts of {acc}, {period_words}",
        direction=direction, effect=Effect("ratio", float(c.ratio)), ci=(float(lo), float(hi)),
        p_value=float(c.p_value), n=c.n_a, recommendation=rec, evidence=evidence,
        chart=bar_chart(f"{where}: {what} vs other posts", evidence, "group", "mean", f"mean {unit}"),
    )


@detector(name=NAME, question="Q2", min_n=MIN_N,
          description="Formats, kinds, labels, languages, lengths and posting times that do better or "
                      "worse than the account's own other posts (month and three-month baseline).")
def practice(ctx: Context) -> list[Finding]:
    period = window(ctx)
    posts = post_frame(ctx, period, KINDS)
    if posts.empty:
        return []
    words = window_words(period)
    out: list[Finding] = []
    for acc, g in posts.groupby("account_id", sort=True):
        g, metric = _values(g)
        if len(g) < 2 * MIN_N:
            continue
        platform = str(g.platform.iloc[0])
        for dim in DIMENSIONS:
            for value, mask in _groups(g, dim):
                mask = mask.fillna(False).astype(bool)
                a, b = g.value[mask], g.value[~mask]
                if len(a) < MIN_N or len(b) < MIN_N:
                    continue
                f = _finding(ctx, str(acc), platform, dim, value, metric, a, b, words)
                if f is not None:
                    out.append(f)
    return out
