"""Language: how much the organisation publishes, and earns, in Welsh, English or both.

Each post's `language` (as imported or detected) falls in one group:

- `cy` Welsh (also `cy-GB`, `cym`, `wel`), `en` English (`en-GB`, `eng`, …);
- `cy+en` bilingual: the code smi writes for a text in both (`cy+en`), also `en+cy`,
  `cy/en`, `en/cy`, `cy,en`, `en,cy`, `cy-en`, `en-cy`, `bilingual`;
- `unknown`: no language (NULL or blank), or `und` / `zxx` / `unknown`: counted, never dropped;
- `other`: any other language.

Shares: of posts (originals and quotes, as the `posts` metric counts) and of engagements
(posts with engagement numbers, reposts excluded, as `engagements`). A share is NULL when
there is nothing to share (no posts; no engagement numbers).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from smi.metrics.engagement import ENGAGEMENT_INPUTS, engagement_value
from smi.metrics.exposure import OWN_KINDS
from smi.metrics.registry import Query, metric
from smi.metrics.tables import ratio

WELSH, ENGLISH, BILINGUAL, OTHER, UNKNOWN = "cy", "en", "cy+en", "other", "unknown"
BILINGUAL_CODES = ("cy+en", "en+cy", "cy/en", "en/cy", "cy,en", "en,cy", "cy-en", "en-cy", "bilingual")
UNKNOWN_CODES = ("", "und", "zxx", "unknown")
POST_KINDS = ("original", "quote")
GROUPS = {
    WELSH: ("welsh", "Welsh"),
    ENGLISH: ("english", "English"),
    BILINGUAL: ("bilingual", "bilingual (Welsh and English)"),
    UNKNOWN: ("language_unknown", "no known language"),
}


def language_group(code: ir.StringValue) -> ir.StringValue:
    """cy | en | cy+en | other | unknown, from a language code as stored."""
    c = code.strip().lower()
    return ibis.cases(
        (c.isnull() | c.isin(list(UNKNOWN_CODES)), UNKNOWN),
        (c.isin(list(BILINGUAL_CODES)), BILINGUAL),
        (c.isin(["cy", "cym", "wel"]) | c.startswith("cy-") | c.startswith("cy_"), WELSH),
        (c.isin(["en", "eng"]) | c.startswith("en-") | c.startswith("en_"), ENGLISH),
        else_=OTHER,
    )


def _post_share(group: str):  # -> MetricFn
    def fn(q: Query) -> ir.Value:
        t = q.rows
        return ratio((language_group(t.language) == group).cast("int64").sum(), t.count())

    return fn


def _engagement_share(group: str):  # -> MetricFn
    def fn(q: Query) -> ir.Value:
        t = q.rows
        e = engagement_value(t).cast("float64")
        mine = ibis.ifelse(language_group(t.language) == group, e, e * 0)  # NULL stays NULL
        return ratio(mine.sum(), e.sum())

    return fn


for _code, (_slug, _words) in GROUPS.items():
    _which = f"language group {_code}" + (" (NULL, blank, und, zxx)" if _code == UNKNOWN else "")
    metric(
        name=f"posts_share_{_slug}",
        description=f"Share of the posts in {_words}.",
        formula=f"count(posts in {_which}) / count(posts), originals and quotes published in "
        "the period; no posts = not available",
        unit="share (0–1)",
        inputs=("posts.language", "posts.kind"),
        requires=(("posts.kind",),),
        kinds=POST_KINDS,
        higher_is_better=None,
        exclude=("language",),
    )(_post_share(_code))
    metric(
        name=f"engagements_share_{_slug}",
        description=f"Share of the engagements earned by posts in {_words}.",
        formula=f"sum(engagements of posts in {_which}) / sum(engagements), posts published in "
        "the period (reposts excluded) that have engagement numbers; none = not available",
        unit="share (0–1)",
        inputs=("posts.language", *ENGAGEMENT_INPUTS),
        requires=(ENGAGEMENT_INPUTS,),
        kinds=OWN_KINDS,
        higher_is_better=None,
        exclude=("language",),
    )(_engagement_share(_code))
