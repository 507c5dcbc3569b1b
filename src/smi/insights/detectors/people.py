"""Q4 People: staff whose own posts resonate more (or less) than the official account's.

Per platform, over the month and its three-month baseline: one negative binomial model of each
post's engagements with log(the account's followers on the posting day) as offset, on the
author (each member of staff against the official account(s), `accounts.person` and
`accounts.is_official`) and the post's other attributes — format, language, length band,
part of the day, weekday, kind — held fixed (`_posts.adjusted_contrasts`), so a person is
not credited with posting more videos. Per follower, so a small personal account is not
"worse" for being small; when most posts lack follower counts, engagements per post (no
offset). Not per impression: staff accounts rarely export impressions.

One finding per person and platform tested: the adjusted rate ratio with its 95% interval,
and the Wald test of the same estimate; a ratio within MIN_RELATIVE of 1 is returned with
p = 1 (too small to act on). The finding's
`metric` is the catalogue metric the model follows (`engagement_rate_followers` or
`engagements_per_post`); the unadjusted values quoted come from the catalogue by person.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from smi.insights.detectors._posts import (
    PER_POST,
    RATE_FOLLOWERS,
    adjusted_contrasts,
    catalogue_figure,
    exposure_of,
    large_enough,
    model_frame,
    window,
    window_msg,
    window_words,
)
from smi.insights.detectors.practice import platform_name
from smi.insights.engine import Context
from smi.insights.finding import Effect, Finding, bar_chart, make_finding
from smi.insights.registry import detector
from smi.insights.stats import Contrast
from smi.messages import N_, M, num_p, pct_p, platform_p, times_p
from smi.metrics.tables import OFFICIAL

NAME = "people"
MIN_N = 10
MIN_RELATIVE = 0.20  # an adjusted ratio within 20% of 1 is returned with p = 1 (too small to act on)
FACTORS = ("person", "format", "language", "length", "daypart", "weekday", "kind")
UNITS = {RATE_FOLLOWERS: "engagements per 1,000 followers", PER_POST: "engagements per post"}
UNIT_WORDS = {RATE_FOLLOWERS: N_("engagements per 1,000 followers"), PER_POST: N_("engagements per post")}
HELD_WORDS = N_("with format, language, length, time of day, weekday and kind held fixed")
SCALE = {RATE_FOLLOWERS: 1000.0, PER_POST: 1.0}
HELD = "with format, language, length, time of day, weekday and kind held fixed"


def _finding(ctx: Context, period: Any, platform: str, metric: str, c: Contrast, rows: pd.DataFrame,
             words: str) -> Finding:
    person = c.level
    where = platform_name(platform)
    _unit, k = UNITS[metric], SCALE[metric]
    lo, hi = c.ratio_ci
    direction = "higher" if c.ratio >= 1 else "lower"
    own = ", ".join(sorted(rows[rows.person == person].account_id.unique()))
    offi = ", ".join(sorted(rows[rows.person == OFFICIAL].account_id.unique()))
    mine = catalogue_figure(ctx, metric, period, platform, "person", person)
    theirs = catalogue_figure(ctx, metric, period, platform, "person", OFFICIAL)

    def show(f: dict[str, Any]) -> str:
        return "n/a" if f["figure"] is None else f"{f['figure'] * k:.1f}"

    said: dict[str, Any] = {
        "person": person, "platform": platform_p(platform), "own": own, "official": offi,
        "unit": M(UNIT_WORDS[metric]), "held": M(HELD_WORDS), "n": c.n_level, "m": c.n_reference,
        "window": window_msg(period),
        "mine": M("not available") if mine["figure"] is None else num_p(round(mine["figure"] * k, 1)),
        "theirs": M("not available") if theirs["figure"] is None else num_p(round(theirs["figure"] * k, 1)),
    }
    if direction == "higher":
        said["x"] = times_p(c.ratio)
        summary = M("%(person)s's own %(platform)s posts (%(own)s) got %(x)s times the %(unit)s of the official "
                    "account (%(official)s), %(held)s (%(n)s against %(m)s posts, %(window)s).", **said)
        rec = M("%(person)s's voice lands on %(platform)s (%(own)s): share more of the organisation's news "
                "through them, or have %(official)s take up what works in their posts.", **said)
        title = M("%(platform)s: %(person)s's posts resonate more", **said)
    else:
        said["pct"] = pct_p(1 - c.ratio)
        summary = M("%(person)s's own %(platform)s posts (%(own)s) got %(pct)s fewer %(unit)s than the official "
                    "account (%(official)s), %(held)s (%(n)s against %(m)s posts, %(window)s).", **said)
        rec = M("%(person)s's %(platform)s posts (%(own)s) get less response than %(official)s: keep their "
                "account for what only they can say, and post news on the official one.", **said)
        title = M("%(platform)s: %(person)s's posts resonate less", **said)
    raw = M("Before holding the rest fixed: %(mine)s against %(theirs)s %(unit)s.", **said)
    evidence = [
        {"group": person, "posts": c.n_level, "value": None if mine["figure"] is None else round(mine["figure"] * k, 2)},
        {"group": M("official account"), "posts": c.n_reference,
         "value": None if theirs["figure"] is None else round(theirs["figure"] * k, 2)},
        {"group": M("adjusted ratio"), "ratio": round(c.ratio, 3), "ci_low": round(lo, 3), "ci_high": round(hi, 3)},
    ]
    chart_rows = [r for r in evidence[:2] if r["value"] is not None]
    return make_finding(
        detector=NAME, question="Q4",
        title=title,
        summary=[summary, raw], metric=metric,
        subject={"dimension": "person", "value": person, "platform": platform},
        comparison=f"the official {where} account's posts ({offi}), {HELD}, {words}",
        direction=direction, effect=Effect("ratio", float(c.ratio)), ci=(float(lo), float(hi)),
        p_value=float(c.p_value), n=c.n_level, recommendation=rec, evidence=evidence,
        chart=bar_chart(M("%(platform)s: %(unit)s", **said), chart_rows, "group", "value", M(UNIT_WORDS[metric])),
        figures=[mine, theirs],
    )


@detector(name=NAME, question="Q4", min_n=MIN_N,
          description="Staff whose own posts get more or fewer engagements per follower than the official "
                      "account on the same platform, the posts' other attributes held fixed (month and "
                      "three-month baseline).")
def people(ctx: Context) -> list[Finding]:
    period = window(ctx)
    posts = model_frame(ctx, period)
    if posts.empty:
        return []
    posts = posts[posts.person.notna()]
    words = window_words(period)
    out: list[Finding] = []
    for platform, g in posts.groupby("platform", sort=True):
        rows, exposure, metric = exposure_of(g, ("followers",))
        counts = rows.person.value_counts()
        staff = [p for p, n in counts.items() if p != OFFICIAL and n >= MIN_N]
        if counts.get(OFFICIAL, 0) < MIN_N or not staff:
            continue
        cs = adjusted_contrasts(rows, FACTORS, exposure, min_n=MIN_N, fixed={"person": OFFICIAL})
        for c in cs or []:
            if c.factor == "person" and c.level in staff:
                out.append(_finding(ctx, period, str(platform), metric, large_enough(c, MIN_RELATIVE), rows, words))
    return out
