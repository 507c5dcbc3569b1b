"""Language of each text with lingua, detected against a wide set of languages, and
bilingual Welsh-English texts.

The detector sees 65 languages (lingua's 75 less LEFT_OUT), whatever the workspace's
languages: one that knows only Welsh, English and four others labels a Dutch tweet as its
nearest member (a Dutch archive came out 33% German and 15% Welsh). The workspace's focus
languages keep their code; any other language detected is written `other`; a text with
no language is NULL (unknown). A false Welsh label is the worst error for the people who
read the report, so a Welsh call needs more evidence than any other.

Rule (measured in docs/accuracy.md):

- a text is split into segments at line breaks and sentence ends (. ! ? …); links, @/#
  tags and HTML entities are dropped; segments with fewer than MIN_SEGMENT_LETTERS letters
  join their neighbour;
- a segment with fewer than MIN_LETTERS letters, or one of names and codes (`name_like`:
  "ORD 🛬 DFW", "Lydia Yoseph Benti Hanan", "Meet Cindy Gruwell - RTI Fellow", but not
  "Bore Da" or "The Rush Of Time"), has no language;
- every other segment of every text in a batch goes to lingua in one parallel call over
  the 65 languages (low-accuracy mode: fast, ~130 MB); its best language wins, English's
  confidence counted EN_PRIOR times (the texts are mostly English; short English was
  called Danish or Tagalog);
- when Welsh is among that call's best WELSH_RANK, the arbiter decides instead:
  high-accuracy lingua over ARBITER (Welsh, English and the languages most often beside
  them), choosing among Welsh, English and those of the best WELSH_RANK it knows. Low
  accuracy alone called "I can't wait to go home & find out!!" Welsh;
- a Welsh segment needs the arbiter's Welsh confidence >= MIN_WELSH, and SHORT_WORDS words
  or a common Welsh word ("Diolch!", but not "ok thx");
- a platform's own tag (X's `lang`, Bluesky's `langs`, Mastodon's `language`, kept in
  extra as `platform_lang`; `und`, `zxx`, several tags and no tag are no evidence) of
  another language than Welsh vetoes a Welsh segment unless it has OVERWHELMING_WELSH
  confidence and OVERWHELMING_WORDS words; the segment then counts as the tag's language.
  A tag `en` on a text with an English segment is a bilingual post tagged by its English
  half: no veto;
- the text's language is the one with most letters; it is `cy+en` when Welsh and English
  are both present, the smaller holds at least BILINGUAL_SHARE of the letters and a
  segment of at least MIN_SEGMENT_LETTERS letters (one English word inside a Welsh sentence
  is not a bilingual post);
- a text none of whose segments has a language is NULL (unknown).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from smi.enrich import stopwords

WELSH, ENGLISH, BILINGUAL, OTHER = "cy", "en", "cy+en", "other"
FOCUS = (WELSH, ENGLISH)  # always kept under their own code: the report's language groups
# Not in the detector: two constructed or dead languages and Latin-script languages of
# southern Africa and New Zealand that, in measurement, took short Welsh sentences ("Beth
# am drin pawb yr un fath?" came out Sotho, "Ew, am fachgan del." Tsonga) and appear in no
# export we have. Texts in them come out as a near language, so `other`.
LEFT_OUT = ("la", "eo", "ts", "tn", "st", "sn", "zu", "xh", "lg", "mi")
MIN_LETTERS = 4  # fewer letters than this: no language (e.g. "ok", "👍", a bare link)
MIN_SEGMENT_LETTERS = 6  # a second language needs a segment at least this long
BILINGUAL_SHARE = 0.2  # ... and at least this share of the text's letters
MAX_CHARS = 600  # only the start of a long text is read (speed; the language rarely changes)
EN_PRIOR = 10.0  # the wide detector's English confidence counts this many times
WELSH_RANK = 3  # Welsh among the wide detector's best this many: the arbiter decides
# The arbiter: high-accuracy lingua over Welsh, English and the languages most often
# beside them in the data measured (docs/accuracy.md).
ARBITER = ("cy", "en", "ga", "fr", "de", "es", "nl", "it", "pt")
MIN_WELSH = 0.5  # a Welsh segment needs at least this Welsh confidence from the arbiter
NAME_SHARE = 0.6  # a segment with this share of capitalised words is names (two or more)
SHORT_WORDS = 3  # a Welsh segment of fewer words needs one of WELSH_WORDS
OVERWHELMING_WELSH = 0.9  # against a platform's tag of another language, a Welsh segment
OVERWHELMING_WORDS = 4  # needs this confidence (the arbiter's) and this many words
LOW_ACCURACY = True
UNKNOWN_TAGS = ("", "und", "zxx", "unknown", "qme", "qht", "qam", "qct", "qst")

# Words that make a short segment Welsh: smi's Welsh function words less those that are
# also English or short in other languages, and common short messages (thanks, welcome,
# greetings, congratulations).
WELSH_WORDS = (stopwords.WELSH - {"am", "an", "at", "hi", "dan", "pan", "pa", "na", "os", "mi", "fi", "ni", "pob"}) | {
    "diolch", "croeso", "bore", "da", "iawn", "nos", "noswaith", "prynhawn", "hwyl", "fawr",
    "llongyfarchiadau", "penblwydd", "pen-blwydd", "hapus", "nadolig", "newydd", "blwyddyn",
    "cymraeg", "cymru", "cymreig", "yn", "yr", "ydy", "ydw", "dw", "dwi", "wedi", "ond",
    "neu", "heddiw", "yfory", "heno", "gwych", "annwyl", "ffrindiau", "cyfarchion", "ie",
}
# English words that join the capitalised words of a title ("Journey of an IOS Developer");
# not "in", "an", "de": Dutch and German have them too.
ENGLISH_GLUE = frozenset(["of", "the", "and", "with", "for", "to", "from", "on", "at", "by", "or",
                          "is", "are", "was", "our", "your", "my", "how", "what", "why", "about"])
_SPLIT = re.compile(r"(?<=[.!?…])\s+|\s*\n+\s*")
_NOISE = re.compile(r"https?://\S+|www\.\S+|[@#][\w.]+|&\w+;")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)


def letters(text: str) -> int:
    return len(_LETTER.findall(text))


def words(segment: str) -> list[str]:
    """Words of two letters or more."""
    return [w for w in _WORD.findall(segment) if len(w) >= 2]


def sure_welsh_words(segment: str) -> bool:
    """A segment of SHORT_WORDS words or more, or a shorter one holding a common Welsh
    word ("Diolch!", "Bore da"): "ok thx" and "Yessss" are too short to call Welsh."""
    ws = words(segment)
    return len(ws) >= SHORT_WORDS or any(w.lower().replace("’", "'") in WELSH_WORDS for w in ws)


def name_like(segment: str) -> bool:
    """True for names and codes: two or more words (of two letters or more), NAME_SHARE of
    them capitalised, none a Welsh word (WELSH_WORDS) or an English joining word
    (ENGLISH_GLUE); or one all-capital word ("ORD")."""
    ws = words(segment)
    if not ws:
        return False
    if len(ws) == 1:
        return ws[0].isupper()
    # Mostly names, and no Welsh or English word holding them together ("Ganwyd Evans ym
    # Machynlleth, Sir Drefaldwyn" is a Welsh sentence, "Journey of an IOS Developer" and
    # "The Rush Of Time" English titles; "Lydia Yoseph Benti Hanan dagmawi kassa" is names)
    upper = sum(w[0].isupper() for w in ws)
    return upper >= NAME_SHARE * len(ws) and not any(
        (low := w.lower()) in WELSH_WORDS or low in ENGLISH_GLUE for w in ws)


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


def base_code(tag: object) -> str | None:
    """A platform's language tag as a lower-case ISO 639-1 code (`en-GB` -> `en`); None for
    no tag, `und`, `zxx` and other no-language tags. A list of tags gives its first."""
    if isinstance(tag, list | tuple):
        tag = tag[0] if len(tag) == 1 else None  # several tags: no single language
    if not isinstance(tag, str):
        return None
    c = tag.strip().lower().replace("_", "-").split("-")[0]
    return None if c in UNKNOWN_TAGS else c


def wide_languages() -> tuple[str, ...]:
    """ISO 639-1 codes of the languages the detector sees."""
    from lingua import Language

    return tuple(sorted(c for c in (lang.iso_code_639_1.name.lower() for lang in Language.all())
                        if c not in LEFT_OUT))


@lru_cache(maxsize=4)
def _detector(codes: tuple[str, ...], low_accuracy: bool, preload: bool = True):  # -> lingua.LanguageDetector
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    builder = LanguageDetectorBuilder.from_iso_codes_639_1(*(getattr(IsoCode639_1, c.upper()) for c in codes))
    if low_accuracy:
        builder = builder.with_low_accuracy_mode()
    return (builder.with_preloaded_language_models() if preload else builder).build()


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


# A detected segment: (language, Welsh confidence); language None when lingua cannot
# place it.
Guess = tuple[str | None, float]


class LanguageDetector:
    """Detects many texts at once; `detect(texts, tags)` returns a code, `other` or None
    (unknown) per text. `focus`: the codes kept as they are (Welsh and English always)."""

    CACHE_SEGMENTS = 1_000_000

    def __init__(
        self,
        focus: Sequence[str] = FOCUS,
        *,
        languages: Sequence[str] | None = None,
        pair_languages: Sequence[str] = ("cy", "en"),
        low_accuracy: bool = LOW_ACCURACY,
    ) -> None:
        self.languages = tuple(sorted(supported(languages))) if languages is not None else wide_languages()
        self.focus = frozenset([*FOCUS, *(c.strip().lower() for c in focus)])
        self.pair_languages = tuple(supported(pair_languages))
        self.low_accuracy = low_accuracy
        self._lingua = _detector(self.languages, low_accuracy)
        # loaded on first use (~10 s): an import with no Welsh-looking text never waits for it
        self._arbiter = _detector(tuple(sorted(c for c in ARBITER if c in self.languages)), False, False)
        self._cache: dict[str, Guess] = {}

    def _guess(self, pieces: list[str]) -> list[Guess]:
        """Each segment's language: the wide detector's best (English favoured by EN_PRIOR),
        or, when Welsh is among its best WELSH_RANK, the high-accuracy arbiter's best of
        Welsh, English and those of the wide detector's best that the arbiter knows."""
        out: list[Guess | None] = []
        ask: list[int] = []
        allowed: list[set[str]] = []
        for i, values in enumerate(self._lingua.compute_language_confidence_values_in_parallel(pieces)):
            ranked = [(v.language.iso_code_639_1.name.lower(), v.value) for v in values if v.value > 0]
            if not ranked:
                out.append((None, 0.0))
                continue
            top = [c for c, _ in ranked[:WELSH_RANK]]
            if WELSH in top:
                ask.append(i)
                allowed.append({WELSH, ENGLISH, *(c for c in top if c in ARBITER)})
                out.append(None)
                continue
            best = max(ranked, key=lambda cv: cv[1] * (EN_PRIOR if cv[0] == ENGLISH else 1.0))[0]
            out.append((best, 0.0))
        if ask:
            sure = self._arbiter.compute_language_confidence_values_in_parallel([pieces[i] for i in ask])
            for i, keep, values in zip(ask, allowed, sure, strict=True):
                conf = {c: v.value for v in values if (c := v.language.iso_code_639_1.name.lower()) in keep}
                total = sum(conf.values())
                if total <= 0:
                    out[i] = (None, 0.0)
                    continue
                best = max(conf, key=lambda c: conf[c])
                out[i] = (best, conf.get(WELSH, 0.0) / total)
        return [g if g is not None else (None, 0.0) for g in out]

    def _segment_label(self, seg: str, guess: Guess) -> str | None:
        lang, cy = guess
        if lang == WELSH and (cy < MIN_WELSH or not sure_welsh_words(seg)):
            return None
        return lang

    def _label(self, segs: list[str], tag: str | None) -> str | None:
        parts = [(self._segment_label(s, self._cache[s]), s) for s in segs]
        if tag is not None and tag != WELSH and not (tag == ENGLISH and any(lang == tag for lang, _ in parts)):
            # The platform names another language (English with no English segment: not a
            # bilingual post tagged by its English half): a Welsh segment stays Welsh only
            # when it is overwhelmingly so.
            parts = [
                (tag if lang == WELSH and not (self._cache[s][1] >= OVERWHELMING_WELSH
                                               and len(words(s)) >= OVERWHELMING_WORDS) else lang, s)
                for lang, s in parts
            ]
        return self._focus(combine([(lang, letters(s)) for lang, s in parts], self.pair_languages))

    def detect(self, texts: Sequence[str | None], tags: Sequence[object] | None = None) -> list[str | None]:
        """`tags`: the platform's own language tag of each text (None: none given)."""
        out: list[str | None] = [None] * len(texts)
        known = self._cache  # segment -> guess, across batches (sentences repeat)
        if len(known) > self.CACHE_SEGMENTS:
            known.clear()
        per_text: dict[str, list[str]] = {}
        todo: dict[str, None] = {}
        for t in texts:
            if t and t not in per_text:
                segs = per_text[t] = [s for s in segments(t) if letters(s) >= MIN_LETTERS and not name_like(s)]
                todo.update((s, None) for s in segs if s not in known)
        if todo:
            pieces = list(todo)
            known.update(zip(pieces, self._guess(pieces), strict=True))
        labels: dict[tuple[str, str | None], str | None] = {}
        for i, t in enumerate(texts):
            if not t:
                continue
            tag = base_code(tags[i]) if tags is not None else None
            if (t, tag) not in labels:
                labels[t, tag] = self._label(per_text[t], tag)
            out[i] = labels[t, tag]
        return out

    def _focus(self, label: str | None) -> str | None:
        if label is None or label == BILINGUAL or label in self.focus:
            return label
        if "+" in label and all(p in self.focus for p in label.split("+")):
            return label
        return OTHER

    def detect_one(self, text: str | None, tag: object = None) -> str | None:
        return self.detect([text], [tag])[0]
