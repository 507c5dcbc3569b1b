"""Q2 Practice: which kinds of post do better or worse, each attribute with the others held fixed.

Per platform, over the month and the eleven months before it (WINDOW_MONTHS, a year; which
kinds of post work is a standing question, and a month and its three-month baseline hold too
few posts of a minority kind: ~20 videos of ~110 posts, where a generated ×2.5 read ×1.4,
p = 0.09, and was missed; see docs/accuracy.md), the official accounts' posts only (staff who post as themselves are Q4, never
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
    catalogue_figure,
    exposure_of,
    large_enough,
    model_frame,
    official,
    window,
    window_msg,
    window_words,
)
from smi.insights.engine import Context
from smi.insights.finding import Effect, Finding, bar_chart, make_finding
from smi.insights.registry import detector
from smi.insights.stats import Contrast
from smi.messages import N_, M, Message, num_p, pct_p, platform_p, times_p
from smi.metrics.tables import OFFICIAL

NAME = "practice"
MIN_N = 10
# The smallest effect worth a finding: an adjusted ratio at least 20% from 1 (the `rates`
# family's minimum elsewhere in the findings); a smaller one is returned with p = 1.
MIN_RELATIVE = 0.20
# The months the model reads: the month and the eleven before it. The calendar month is in the
# model (FACTORS), so a trend, the season or a month whose rate fell is not credited to an
# attribute that was commoner then; a longer window only adds posts of each kind.
WINDOW_MONTHS = 12
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


# The posts with an attribute's value, as messages (the report says them in its language).
FORMAT_WORDS = {"text": N_("text posts"), "image": N_("image posts"), "video": N_("video posts"),
                "link": N_("link posts"), "carousel": N_("carousel posts"), "reel": N_("reels"),
                "story": N_("stories"), "poll": N_("polls"), "document": N_("document posts"),
                "article": N_("articles"), "audio": N_("audio posts")}
LANGUAGE_WORDS = {"cy": N_("Welsh posts"), "en": N_("English posts"),
                  "cy+en": N_("bilingual posts (Welsh and English)"), "other": N_("posts in other languages")}
LENGTH_WORDS = {"short": N_("short posts (under 80 characters)"),
                "medium": N_("medium-length posts (80–159 characters)"),
                "long": N_("long posts (160 characters or more)")}
DAYPART_WORDS = {"night": N_("posts at night (00:00–06:59)"), "morning": N_("posts in the morning (07:00–11:59)"),
                 "afternoon": N_("posts in the afternoon (12:00–16:59)"),
                 "evening": N_("posts in the evening (17:00–23:59)")}
WEEKDAY_WORDS = (N_("posts on Mondays"), N_("posts on Tuesdays"), N_("posts on Wednesdays"), N_("posts on Thursdays"),
                 N_("posts on Fridays"), N_("posts on Saturdays"), N_("posts on Sundays"))
KIND_WORDS = {"original": N_("original posts"), "quote": N_("quote posts"), "reply": N_("replies")}
UNIT_WORDS = {RATE_IMPRESSIONS: N_("engagement rate (by impressions)"),
              RATE_FOLLOWERS: N_("engagements per follower"), PER_POST: N_("engagements per post")}
HELD_WORDS = N_("with format, language, length, time of day, weekday, kind and author held fixed")
HELD_FOR_WORDS = {"language": N_("with format, time of day, weekday, kind and author held fixed (not length: "
                                 "a bilingual text is long because it is in two languages)")}


def describe_msg(dim: str, value: Any) -> Message:
    """The posts with the value, as a message: "video posts", "posts on Fridays"."""
    if dim == "format":
        return M(FORMAT_WORDS[value]) if value in FORMAT_WORDS else M("%(format)s posts", format=str(value))
    if dim == "kind" and value in KIND_WORDS:
        return M(KIND_WORDS[value])
    if dim == "label":
        return M("posts labelled ‘%(label)s’", label=str(value))
    if dim == "language" and value in LANGUAGE_WORDS:
        return M(LANGUAGE_WORDS[value])
    if dim == "length" and value in LENGTH_WORDS:
        return M(LENGTH_WORDS[value])
    if dim == "weekday":
        return M(WEEKDAY_WORDS[int(value) - 1])
    if dim == "daypart" and value in DAYPARTS:
        return M(DAYPART_WORDS[value])
    return M("%(format)s posts", format=str(value))


def rate_said(v: float | None, metric: str) -> Any:
    """A per-post or rate figure as words say it: a rate as a percentage, a count a post rounded."""
    if v is None:
        return M("not available")
    return num_p(round(v, 1)) if metric == PER_POST else pct_p(v)


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
    _what, label = describe(dim, value)
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
    del raw, label, ref_label  # the English words above stay for `comparison`; the texts are messages
    what_m = describe_msg(dim, value)
    ref_m = describe_msg(dim, ref) if ref is not None else M("posts without that label")
    said: dict[str, Any] = {
        "platform": platform_p(platform), "what": what_m, "other": ref_m, "unit": M(UNIT_WORDS[metric]),
        "held": M(HELD_FOR_WORDS.get(dim, HELD_WORDS)), "n": c.n_level, "m": c.n_reference,
        "window": window_msg(period), "mine": rate_said(mine["figure"], metric),
        "theirs": rate_said(theirs["figure"], metric) if theirs is not None else M("not available"),
    }
    if direction == "higher":
        said["x"] = times_p(c.ratio)
        summary = [M("On %(platform)s, %(what)s got %(x)s times the %(unit)s of %(other)s, %(held)s "
                     "(%(n)s against %(m)s posts, %(window)s).", **said)]
        rec = M("On %(platform)s, make more %(what)s in place of %(other)s next month (there were %(n)s this "
                "period), then check in next month's report whether the lead holds.", **said)
        title = M("%(platform)s: %(what)s do better than %(other)s", **said)
    else:
        said["pct"] = pct_p(1 - c.ratio)
        summary = [M("On %(platform)s, %(what)s got %(pct)s less %(unit)s than %(other)s, %(held)s "
                     "(%(n)s against %(m)s posts, %(window)s).", **said)]
        rec = M("On %(platform)s, post fewer %(what)s or change how they are made (%(n)s this period did worse "
                "than %(other)s), and compare again next month.", **said)
        title = M("%(platform)s: %(what)s do worse than %(other)s", **said)
    summary.append(M("Before holding the rest fixed: %(mine)s against %(theirs)s.", **said))
    evidence = [{"group": what_m, "posts": c.n_level, metric: mine["figure"]}]
    if theirs is not None:
        evidence.append({"group": ref_m, "posts": c.n_reference, metric: theirs["figure"]})
    evidence.append({"group": M("adjusted ratio"), "ratio": round(c.ratio, 3), "ci_low": round(lo, 3),
                     "ci_high": round(hi, 3)})
    chart_rows = [{"group": r["group"], "value": r[metric]} for r in evidence[:-1] if r[metric] is not None]
    return make_finding(
        detector=NAME, question="Q2",
        title=title,
        summary=summary, metric=metric,
        subject={"platform": platform, "dimension": dim, "value": value},
        comparison=f"{ref_what} on {where}, {held}, {words}",
        direction=direction, effect=Effect("ratio", float(c.ratio)), ci=(float(lo), float(hi)),
        p_value=float(c.p_value), n=c.n_level, recommendation=rec, evidence=evidence,
        chart=bar_chart(M("%(platform)s: %(what)s and %(other)s", **said), chart_rows, "group", "value",
                        M(UNIT_WORDS[metric])),
        figures=figures,
    )


def practice_window(ctx: Context) -> Any:
    """The period the practice model reads: the month and the WINDOW_MONTHS - 1 before it."""
    return window(ctx, WINDOW_MONTHS)


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
                      "worse on a platform with the posts' other attributes held fixed (the month and "
                      "the eleven months before it).")
def practice(ctx: Context) -> list[Finding]:
    period = practice_window(ctx)
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
