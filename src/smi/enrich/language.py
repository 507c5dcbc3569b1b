"""Language of each text with lingua, restricted to a few languages, and bilingual texts.

The detector knows only the workspace's languages plus English, Welsh, Irish, French,
German and Spanish (or the list in workspace.toml `[enrich] languages`): a small set is
~170 MB and fast, and a text cannot be labelled with a language nobody there writes.

Rule (measured in docs/accuracy.md):

- a text is split into segments at line breaks and sentence ends (. ! ? …); segments with
  fewer than MIN_LETTERS letters join their neighbour;
- every segment of every text in a batch is detected in one parallel lingua call
  (low-accuracy mode: ~4x faster, 99.1% on real Welsh sentences against 99.8%);
- the text's language is the one with most letters; it is bilingual (`cy+en`, or e.g.
  `en+fr`, the larger first) when a second language holds at least BILINGUAL_SHARE of the
  letters and MIN_SEGMENT_LETTERS in one segment (one English word inside a Welsh
  sentence is not a bilingual post);
- Welsh and English together are always written `cy+en`, the code the metrics expect;
- a text with fewer than MIN_LETTERS letters, or one lingua cannot place, is NULL (unknown).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

DEFAULT_LANGUAGES = ("en", "cy", "ga", "fr", "de", "es")
MIN_LETTERS = 4  # fewer letters than this: no language (e.g. "ok", "👍", a bare link)
MIN_SEGMENT_LETTERS = 6  # a second language needs a segment at least this long
BILINGUAL_SHARE = 0.2  # ... and at least this share of the text's letters
MAX_CHARS = 600  # only the start of a long text is read (speed; the language rarely changes)
LOW_ACCURACY = True

_SPLIT = re.compile(r"(?<=[.!?…])\s+|\s*\n+\s*")
_NOISE = re.compile(r"https?://\S+|www\.\S+|[@#][\w.]+|&\w+;")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def letters(text: str) -> int:
    return len(_LETTER.findall(text))


def segments(text: str) -> list[str]:
    """The text's sentences and lines, links and @/# tags removed, short pieces merged."""
    clean = _NOISE.sub(" ", text[:MAX_CHARS])
    out: list[str] = []
    for piece in _SPLIT.split(clean):
        piece = piece.strip()
        if not piece:
            continue
        if out and (letters(piece) < MIN_SEGMENT_LETTERS or letters(out[-1]) < MIN_SEGMENT_LETTERS):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


@lru_cache(maxsize=4)
def _detector(codes: tuple[str, ...], low_accuracy: bool):  # -> lingua.LanguageDetector
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    langs = []
    for code in codes:
        try:
            langs.append(Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())))
        except (AttributeError, ValueError):
            continue  # a language lingua does not know (e.g. Scottish Gaelic): skipped
    if len(langs) < 2:
        langs.append(Language.ENGLISH if Language.ENGLISH not in langs else Language.WELSH)
    builder = LanguageDetectorBuilder.from_languages(*langs)
    if low_accuracy:
        builder = builder.with_low_accuracy_mode()
    return builder.with_preloaded_language_models().build()


def supported(codes: Sequence[str]) -> list[str]:
    """The codes of `codes` lingua can detect, lower-case, without repeats."""
    from lingua import IsoCode639_1

    out = []
    for c in codes:
        c = c.strip().lower().split("-")[0].split("_")[0]
        if hasattr(IsoCode639_1, c.upper()) and c not in out:
            out.append(c)
    return out


def combine(parts: list[tuple[str | None, int]], pair_languages: Sequence[str] = ("cy", "en")) -> str | None:
    """One label from (language, letters) per segment. Bilingual only for two of
    `pair_languages` (short informal segments are often mistaken for French or German)."""
    total: dict[str, int] = {}
    longest: dict[str, int] = {}
    for lang, n in parts:
        if lang is None:
            continue
        total[lang] = total.get(lang, 0) + n
        longest[lang] = max(longest.get(lang, 0), n)
    if not total:
        return None
    ranked = sorted(total, key=lambda k: -total[k])
    first = ranked[0]
    all_letters = sum(total.values())
    if len(ranked) > 1:
        second = ranked[1]
        if (
            first in pair_languages and second in pair_languages
            and total[second] >= BILINGUAL_SHARE * all_letters
            and longest[second] >= MIN_SEGMENT_LETTERS
        ):
            pair = {first, second}
            if pair == {"cy", "en"}:
                return "cy+en"
            return f"{first}+{second}"
    return first


class LanguageDetector:
    """Detects many texts at once; `detect(texts)` returns a code (or None) per text."""

    def __init__(
        self,
        languages: Sequence[str] = DEFAULT_LANGUAGES,
        *,
        pair_languages: Sequence[str] = ("cy", "en"),
        low_accuracy: bool = LOW_ACCURACY,
    ) -> None:
        self.languages = tuple(supported(languages))
        self.pair_languages = tuple(supported(pair_languages))
        self.low_accuracy = low_accuracy
        self._lingua = _detector(self.languages, low_accuracy)
        self._cache: dict[str, str | None] = {}

    CACHE_SEGMENTS = 1_000_000

    def detect(self, texts: Sequence[str | None]) -> list[str | None]:
        out: list[str | None] = [None] * len(texts)
        known = self._cache  # segment -> language, across batches (sentences repeat)
        if len(known) > self.CACHE_SEGMENTS:
            known.clear()
        per_text: dict[str, list[str]] = {}
        todo: dict[str, None] = {}
        for t in texts:
            if t and t not in per_text:
                segs = per_text[t] = [s for s in segments(t) if letters(s) >= MIN_LETTERS]
                todo.update((s, None) for s in segs if s not in known)
        if todo:
            pieces = list(todo)
            for seg, lang in zip(pieces, self._lingua.detect_languages_in_parallel_of(pieces), strict=True):
                known[seg] = lang.iso_code_639_1.name.lower() if lang is not None else None
        labels = {t: combine([(known[s], letters(s)) for s in segs], self.pair_languages)
                  for t, segs in per_text.items()}
        for i, t in enumerate(texts):
            if t:
                out[i] = labels[t]
        return out

    def detect_one(self, text: str | None) -> str | None:
        return self.detect([text])[0]
