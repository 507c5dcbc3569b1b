"""Q2 Practice: which kinds of post do better or worse, each attribute with the others held fixed.

Per platform, over the month and its three-month baseline (so a small month still has
enough posts), the official accounts' posts only (staff who post as themselves are Q4, never
mixed in): one negative binomial model of each post's engagements on all its attributes
at once — format, language, length band, part of the day, weekday, kind, author
(person) and the calendar month posted — (for the language, all but length: a consequence of writing in two languages is
a longer text, and holding it fixed would take part of the language's effect away) — with log(impressions) as offset where the platform gives impressions, else
log(followers on the posting day), else none (`_posts.adjusted_contrasts`). So
"long posts do better" is not reported when long posts are simply mostly bilingual: the
model credits the language, not the length.

One finding (one test) per attribute level against the attribute's reference level (the
middle one by effect), never its mirror: the rate ratio and its 95% interval come from the
model, and so does the test (Wald, the same estimate and standard error); a ratio within
MIN_RELATIVE of 1 is returned with p = 1, so a finding is both real and large enough to act on. Labels enter as one flag each.
Replies are in the model (the catalogue's rates count them) but are never a finding.

The finding's `metric` is the catalogue metric the model follows (a ratio of sums, like the
model): `engagement_rate_impressions`, `engagement_rate_followers` or `engagements_per_post`;
the unadjusted values quoted are that metric per level, from the catalogue (`figures`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from smi.insights.detectors._posts import (
    PER_POST,
    RATE_FOLLOWERS,
    RATE_IMPRESSIONS,
    adjusted_contrasts,
    bar_chart,
    catalogue_figure,
    exposure_of,
    large_enough,
    model_frame,
    official,
    times,
    window,
    window_words,
)
from smi.insights.engine import Context
from smi.insights.finding import Effect, Finding
from smi.insights.registry import detector
from smi.insights.stats import Contrast
from smi.metrics.tables import OFFICIAL

NAME = "practice"
MIN_N = 10
# The smallest effect worth a finding: an adjusted ratio at least 20% from 1 (the `rates`
# family's minimum elsewhere in the findings); a smaller one is returned with p = 1.
MIN_RELATIVE = 0.20
RATE = RATE_IMPRESSIONS
FACTORS = ("format", "language", "length", "daypart", "weekday", "kind", "person", "month")
REPORTED = ("format", "language", "length", "daypart", "weekday", "kind")  # person: Q4 people
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
LANGUAGES = {"cy": "Welsh", "en": "English", "cy+en": "bilingual (Welsh and English)",
             "other": "other-language"}  # smi.enrich.language writes `other` outside the focus
LENGTHS = {"short": "short posts (under 80 characters)", "medium": "medium-length posts (80–159 characters)",
           "long": "long posts (160 characters or more)"}
DAYPARTS = {"night": "00:00–06:59", "morning": "07:00–11:59", "afternoon": "12:00–16:59", "evening": "17:00–23:59"}
PLATFORM_NAMES = {"x": "X", "facebook": "Facebook", "instagram": "Instagram", "linkedin": "LinkedIn",
                  "mastodon": "Mastodon", "youtube": "YouTube", "bluesky": "Bluesky"}
UNITS = {RATE_IMPRESSIONS: "engagements per impression", RATE_FOLLOWERS: "engagements per follower",
         PER_POST: "engagements per post"}
HELD = "with format, language, length, time of day, weekday, kind and author held fixed"
# Attributes that are consequences of another: a bilingual text is long because it says
# everything twice, so the language's effect is estimated without holding length fixed
# (holding a consequence fixed would take part of the effect away); length's own effect is
# estimated with the language held fixed.
CONSEQUENCES = {"language": ("length",)}
HELD_FOR = {"language": "with format, time of day, weekday, kind and author held fixed (not length: "
                        "a bilingual text is long because it is in two languages)"}


def platform_name(p: str) -> str:
    return PLATFORM_NAMES.get(p, p)


def describe(dim: str, value: Any) -> tuple[str, str]:
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
        return LENGTHS.get(value, f"{value} posts"), str(value)
    if dim == "weekday":
        day = WEEKDAYS[int(value) - 1]
        return f"posts on {day}s", day
    if dim == "daypart":
        return f"posts in the {value} ({DAYPARTS.get(value, '')})", str(value)
    return f"{value} posts", str(value)


def _fmt(v: float | None, metric: str) -> str:
    if v is None:
        return "n/a"
    return f"{v:.1f}" if metric == PER_POST else f"{v:.4f}"


def _finding(ctx: Context, period: Any, platform: str, metric: str, c: Contrast, words: str) -> Finding:
    if c.factor.startswith("label:"):
        dim, value, ref = "label", c.factor.split(":", 1)[1], None
    else:
        dim, value, ref = c.factor, c.level, c.reference
    if dim == "weekday":
        value = int(value)
        ref = int(ref) if ref is not None else None
    what, label = describe(dim, value)
    ref_what, ref_label = (describe(dim, ref) if ref is not None else ("posts without that label", "without"))
    where = platform_name(platform)
    unit = UNITS[metric]
    direction = "higher" if c.ratio >= 1 else "lower"
    lo, hi = c.ratio_ci
    mine = catalogue_figure(ctx, metric, period, platform, dim, value, person=OFFICIAL)
    figures = [mine]
    theirs = catalogue_figure(ctx, metric, period, platform, dim, ref, person=OFFICIAL) if ref is not None else None
    if theirs is not None:
        figures.append(theirs)
    raw = (f" Unadjusted: {_fmt(mine['figure'], metric)} {unit}"
           + (f" against {_fmt(theirs['figure'], metric)}" if theirs is not None else "")
           + f" (`smi metric {metric} --by {dim} --by person --platform {platform} --from {mine['from']} --to {mine['to']}`,"
           " the official accounts' row).")
    held = HELD_FOR.get(dim, HELD)
    summary = (f"On {where}, {what} got {times(c.ratio)} the {unit} of {ref_what}, {held} "
               f"(95% CI {lo:.2f}–{hi:.2f}×; {c.n_level} vs {c.n_reference} posts, {words})." + raw)
    if direction == "higher":
        rec = f"Do more {what} on {where} rather than {ref_what}, and keep watching whether the lead holds."
    else:
        rec = (f"Rethink {what} on {where}: they do worse than {ref_what}; try fewer, or change how they are "
               "made, and compare next month.")
    evidence = [{"group": label, "posts": c.n_level, metric: mine["figure"]}]
    if theirs is not None:
        evidence.append({"group": ref_label, "posts": c.n_reference, metric: theirs["figure"]})
    evidence.append({"group": "adjusted ratio", "ratio": round(c.ratio, 3), "ci_low": round(lo, 3),
                     "ci_high": round(hi, 3)})
    chart_rows = [{"group": r["group"], "value": r[metric]} for r in evidence[:-1] if r[metric] is not None]
    return Finding(
        detector=NAME, question="Q2",
        title=f"{where}: {what} {'do better' if direction == 'higher' else 'do worse'} than {ref_what}",
        summary=summary, metric=metric,
        subject={"platform": platform, "dimension": dim, "value": value},
        comparison=f"{ref_what} on {where}, {held}, {words}",
        direction=direction, effect=Effect("ratio", float(c.ratio)), ci=(float(lo), float(hi)),
        p_value=float(c.p_value), n=c.n_level, recommendation=rec, evidence=evidence,
        chart=bar_chart(f"{where}: {what} vs {ref_what}", chart_rows, "group", "value", unit),
        figures=figures,
    )


def platform_contrasts(rows: pd.DataFrame, exposure: str | None) -> list[Contrast] | None:
    """The reported contrasts of one platform's posts (see the module's docstring)."""
    never = (("kind", "reply"),)
    cs = adjusted_contrasts(rows, FACTORS, exposure, min_n=MIN_N, never=never, labels=True)
    if cs is None:
        return None
    cs = [c for c in cs if c.factor not in CONSEQUENCES]
    for factor, after in CONSEQUENCES.items():
        part = adjusted_contrasts(rows, tuple(f for f in FACTORS if f not in after), exposure, min_n=MIN_N,
                                  never=never, labels=True)
        cs += [c for c in part or [] if c.factor == factor]
    return [large_enough(c, MIN_RELATIVE) for c in cs if c.factor in REPORTED or c.factor.startswith("label:")]


@detector(name=NAME, question="Q2", min_n=MIN_N,
          description="Formats, languages, lengths, times, weekdays, kinds and labels that do better or "
                      "worse on a platform with the posts' other attributes held fixed (month and "
                      "three-month baseline).")
def practice(ctx: Context) -> list[Finding]:
    period = window(ctx)
    # the organisation's practice: its official accounts' posts (staff who post as themselves
    # are Q4 People, beside it, never mixed in: their posts would dilute or fake its effects)
    posts = official(model_frame(ctx, period))
    if posts.empty:
        return []
    words = window_words(period)
    out: list[Finding] = []
    for platform, g in posts.groupby("platform", sort=True):
        rows, exposure, metric = exposure_of(g, ("impressions", "followers"))
        if len(rows) < 2 * MIN_N:
            continue
        for c in platform_contrasts(rows, exposure) or []:
            if c.n_level < MIN_N or c.n_reference < MIN_N:
                continue
            out.append(_finding(ctx, period, str(platform), metric, c, words))
    return out
