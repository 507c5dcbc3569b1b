"""English sentiment with VADER: a compound score in [-1, 1] and a label.

Only texts whose language is English (`en`) are scored: VADER's lexicon is English, and a
Welsh or bilingual text would get a confident wrong number. Elsewhere the score is NULL and
the label `unknown`. Labels follow VADER's own thresholds: compound >= 0.05 positive,
<= -0.05 negative, otherwise neutral.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

POSITIVE, NEUTRAL, NEGATIVE, UNKNOWN = "positive", "neutral", "negative", "unknown"
THRESHOLD = 0.05
MAX_CHARS = 1000  # VADER's time grows with length; the start of a long text carries its tone


@lru_cache(maxsize=1)
def _analyzer():  # -> SentimentIntensityAnalyzer
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def label(score: float | None) -> str:
    if score is None:
        return UNKNOWN
    if score >= THRESHOLD:
        return POSITIVE
    if score <= -THRESHOLD:
        return NEGATIVE
    return NEUTRAL


def scores(texts: Sequence[str | None], languages: Sequence[str | None],
           cache: dict[str, float] | None = None) -> list[float | None]:
    """VADER compound per text, or None unless the text is English. `cache` (text -> score)
    may be shared between batches: repeated texts are scored once."""
    vader = _analyzer()
    cache = {} if cache is None else cache
    out: list[float | None] = []
    for text, lang in zip(texts, languages, strict=True):
        if not text or lang != "en":
            out.append(None)
            continue
        s = cache.get(text)
        if s is None:
            s = cache[text] = round(vader.polarity_scores(text[:MAX_CHARS])["compound"], 4)
        out.append(s)
    return out
