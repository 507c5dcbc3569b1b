"""Finding texts as messages: a gettext msgid with its parameters, said in any language later.

Detectors never write a sentence in one language. They build messages:

    M("On %(platform)s, %(what)s got %(effect)s the engagement of %(other)s.",
      platform=platform_p("instagram"), what=M("video posts"), effect=times_p(1.8), other=M("image posts"))
    P("%(n)s post", "%(n)s posts", 12)            # plural: the catalogue holds every plural form

A message is plain data (JSON): {"id", "params"} and, for plurals, {"plural", "n"}. A
parameter is a number, a string said as it is (a name, a handle, a word quoted from a
post), a nested message (translated too), or a typed value the renderer formats in the
edition's language: {"month": "2026-11"}, {"day": "2026-11-05"}, {"pct": 0.41},
{"num": 3.25}, {"times": 1.8}, {"hours": 0.4}, {"platform": "facebook"}, {"metric": name}.

`render(message, translations, locale)` says it (English with NullTranslations). A
translation may ask for a Welsh mutation of a parameter: `%(what|soft)s`, `%(what|nasal)s`,
`%(what|aspirate)s` (the word after "am", "yn", "a" ...); `|lower` lower-cases its first letter, `|cap` capitalises it (a sentence that opens with it).

Every msgid is marked with M or P (or N_ for a bare term), so `pybabel extract` with the
keywords `M`, `P:1,2` and `N_` finds them; tests/report/test_i18n.py checks each has a Welsh
translation.
"""

from __future__ import annotations

import re
from typing import Any

from babel.numbers import format_decimal

Message = dict[str, Any]
MUTATIONS = ("soft", "nasal", "aspirate", "lower", "cap")


def N_(msgid: str) -> str:
    """Mark a bare term (an evidence label, a group name) for extraction."""
    return msgid


def M(msgid: str, **params: Any) -> Message:
    """A message with named parameters (`%(name)s` in the msgid)."""
    return {"id": msgid, "params": params} if params else {"id": msgid}


def P(singular: str, plural: str, count: int, /, **params: Any) -> Message:
    """A message whose words depend on a count (available as `%(n)s`)."""
    return {"id": singular, "plural": plural, "n": int(count), "params": {**params, "n": int(count)}}


def is_message(v: Any) -> bool:
    return isinstance(v, dict) and "id" in v


# -- typed parameters ---------------------------------------------------------------------------
def month_p(key: str) -> dict[str, str]:
    return {"month": str(key)[:7]}


def day_p(iso: Any) -> dict[str, str]:
    return {"day": str(iso)[:10]}


def pct_p(share: float) -> dict[str, float]:
    """A 0–1 share said as a percentage."""
    return {"pct": float(share)}


def num_p(v: float) -> dict[str, float]:
    return {"num": float(v)}


def times_p(v: float) -> dict[str, float]:
    return {"times": float(v)}


def hours_p(h: float) -> dict[str, float]:
    return {"hours": float(h)}


def platform_p(p: str) -> dict[str, str]:
    return {"platform": str(p)}


def metric_p(name: str) -> dict[str, str]:
    return {"metric": str(name)}


def en_p(text: str) -> dict[str, str]:
    """English text no catalogue translates (a problem a source wrote as a sentence): said as it
    is, and `untranslated` says so, so a page marks it lang="en"."""
    return {"en": str(text)}


def seq_p(items: list[Any]) -> dict[str, list[Any]]:
    """Parts said one after another, joined by "; " (an import's summary)."""
    return {"seq": list(items)}


def figure_p(metric: str, value: float | None) -> dict[str, list[Any]]:
    """A value of a catalogue metric, said as its display reads (a rate as a percentage)."""
    return {"figure": [str(metric), value]}


# -- saying a message -----------------------------------------------------------------------------
SOFT = (("ll", "l"), ("rh", "r"), ("c", "g"), ("p", "b"), ("t", "d"), ("g", ""), ("b", "f"),
        ("d", "dd"), ("m", "f"))
NASAL = (("c", "ngh"), ("p", "mh"), ("t", "nh"), ("g", "ng"), ("b", "m"), ("d", "n"))
ASPIRATE = (("c", "ch"), ("p", "ph"), ("t", "th"))
_TABLES = {"soft": SOFT, "nasal": NASAL, "aspirate": ASPIRATE}


def mutate(word: str, kind: str) -> str:
    """A Welsh word after a mutating word: 'postiadau' soft -> 'bostiadau', 'cwestiynau' nasal
    -> 'nghwestiynau'. Names (a capital letter) and digits are left as they are."""
    if kind == "cap":
        return word[:1].upper() + word[1:]
    if kind == "lower":
        return word[:1].lower() + word[1:] if word[1:2] != word[1:2].upper() or len(word) < 2 else word
    if not word or not word[0].isalpha():
        return word
    if word[0].isupper():  # a month or a Welsh name mutates too: "i Dachwedd"; the translator asks for it
        low = mutate(word[0].lower() + word[1:], kind)
        return low[:1].upper() + low[1:] if low != word[0].lower() + word[1:] else word
    for old, new in _TABLES[kind]:
        if word.startswith(old) and not (old == "c" and word.startswith("ch")) and not (
                old in ("p", "t") and word[1:2] == "h") and not (old == "d" and word.startswith("dd")) and not (
                old == "g" and word.startswith("ng")):
            return new + word[len(old):]
    return word


def _num(v: float, locale: str) -> str:
    if float(v).is_integer():
        return format_decimal(int(v), format="#,##0", locale=locale)
    if abs(v) >= 100:
        return format_decimal(v, format="#,##0", locale=locale)
    if abs(v) >= 10:
        return format_decimal(v, format="#,##0.#", locale=locale)
    return format_decimal(v, format="#,##0.##" if abs(v) < 1 else "#,##0.#", locale=locale)


def _pct(share: float, locale: str) -> str:
    p = share * 100
    if abs(p) >= 10 or float(round(p)) == round(p, 1):
        return format_decimal(round(p), format="#,##0", locale=locale) + "%"
    return format_decimal(p, format="#,##0.#", locale=locale) + "%"


def _hours(h: float, tr: Any, locale: str) -> str:
    if h < 1:
        minutes = max(1, round(h * 60))
        return tr.ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}
    if h < 48:
        v = round(h, 1)
        return tr.ngettext("%(n)s hour", "%(n)s hours", int(v) if v.is_integer() else 5) % {"n": _num(v, locale)}
    days = round(h / 24, 1)
    return tr.ngettext("%(n)s day", "%(n)s days", int(days) if days.is_integer() else 5) % {"n": _num(days, locale)}


def _param(v: Any, tr: Any, locale: str, html: bool = False) -> str:
    if html:
        from markupsafe import escape

        if is_message(v):
            return render(v, tr, locale, html=True)
        if isinstance(v, list):
            return ", ".join(_param(x, tr, locale, True) for x in v)
        if isinstance(v, dict) and len(v) == 1 and "en" in v:
            text = str(escape(v["en"]))
            return f'<span lang="en">{text}</span>' if getattr(tr, "_catalog", None) and text else text
        if isinstance(v, dict) and len(v) == 1 and "seq" in v:
            return "; ".join(t for t in (_param(i, tr, locale, True) for i in v["seq"]) if t)
        if isinstance(v, dict) and len(v) == 1 and "lines" in v:
            return "<br>".join(_param(i, tr, locale, True) for i in v["lines"])
        return str(escape(_param(v, tr, locale)))
    return _plain_param(v, tr, locale)


def _plain_param(v: Any, tr: Any, locale: str) -> str:
    from babel.dates import format_date

    from smi.labels import label
    from smi.platform_names import PLATFORMS

    if is_message(v):
        return render(v, tr, locale)
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, (int, float)):
        return _num(v, locale)
    if isinstance(v, list):
        return ", ".join(_param(x, tr, locale) for x in v)
    if isinstance(v, dict) and len(v) == 1:
        (kind, x), = v.items()
        if kind == "en":
            return str(x)
        if kind == "seq":
            return "; ".join(t for t in (_param(i, tr, locale) for i in x) if t)
        if kind == "lines":
            return "\n".join(_param(i, tr, locale) for i in x)
        if kind == "month":
            from datetime import date
            return format_date(date.fromisoformat(x + "-01"), "LLLL y", locale=locale)
        if kind == "day":
            from datetime import date
            return format_date(date.fromisoformat(x), "d MMMM y", locale=locale)
        if kind == "pct":
            return _pct(x, locale)
        if kind == "num":
            return _num(x, locale)
        if kind == "times":
            return format_decimal(x, format="#,##0.#", locale=locale)
        if kind == "hours":
            return _hours(x, tr, locale)
        if kind == "platform":
            return PLATFORMS.get(x, x)
        if kind == "figure":  # [metric, value]: the value as the metric's display says it
            from smi.labels import display

            name, value = x
            how = display(name)
            if value is None:
                return tr.gettext("not available")
            if how == "percent":
                return _pct(value, locale)
            if how == "minutes":
                return _hours(value / 60, tr, locale)
            if how == "hours":
                return _hours(value, tr, locale)
            if how == "times":
                return "×" + format_decimal(value, format="#,##0.##", locale=locale)
            return _num(round(value) if abs(value) >= 100 else round(value, 2), locale)
        if kind == "metric":
            name = tr.gettext(label(x))
            return name[:1].lower() + name[1:] if name[1:2].islower() else name
    return str(v)


_MUTATED = re.compile(r"%\((\w+)\|(" + "|".join(MUTATIONS) + r")\)s")


def render(m: Message | list[Message] | str | None, tr: Any, locale: str = "en_GB", html: bool = False) -> str:
    """The message said through `tr` (a gettext translations object); a list of messages is
    said as sentences one after another; a plain string is returned as it is.

    With `html`, the text is HTML-escaped and English text inside (`en_p`) is wrapped in
    `<span lang="en">` when the language is not English."""
    if m is None:
        return ""
    if isinstance(m, str):
        if html:
            from markupsafe import escape

            return str(escape(m))
        return m
    if isinstance(m, list):
        return " ".join(t for t in (render(x, tr, locale, html) for x in m) if t)
    if not is_message(m):  # a typed parameter on its own (en_p, seq_p)
        return _param(m, tr, locale, html)
    text = tr.ngettext(m["id"], m["plural"], m["n"]) if "plural" in m else tr.gettext(m["id"])
    if html:
        from markupsafe import escape

        text = str(escape(text))
    params = m.get("params") or {}
    said = {k: _param(v, tr, locale, html) for k, v in params.items()}

    text = with_mutations(text, said)
    return text % said if params else text


def with_mutations(text: str, said: dict[str, str]) -> str:
    """`text` with each `%(name|mutation)s` replaced by the said value mutated (and its `%`
    escaped), ready for `text % said`."""
    def mutated(match: re.Match[str]) -> str:
        return mutate(said.get(match.group(1), ""), match.group(2)).replace("%", "%%")

    return _MUTATED.sub(mutated, text) if "|" in text else text


def _has(tr: Any, msgid: str, plural: bool) -> bool:
    catalog = getattr(tr, "_catalog", None)
    if not catalog:  # NullTranslations: English, the msgids' own language
        return True
    return ((msgid, 0) if plural else msgid) in catalog


def untranslated(m: Any, tr: Any, en_text: bool = True) -> bool:
    """True when saying `m` through `tr` leaves some English: a msgid the catalogue lacks, a
    plain string where a message was expected, or (with `en_text`) English text (`en_p`)
    inside; `render(..., html=True)` marks that text itself, so a page asks with
    en_text=False. Names and numbers given as parameters do not count. English
    (NullTranslations) is never untranslated."""
    if not getattr(tr, "_catalog", None):  # English: no catalogue (Babel's NullTranslations has an empty one)
        return False
    if m is None:
        return False
    if isinstance(m, str):
        return bool(m)
    if isinstance(m, list):
        return any(untranslated(x, tr, en_text) for x in m)
    if is_message(m):
        if not _has(tr, m["id"], "plural" in m):
            return True
        return any(_untranslated_param(v, tr, en_text) for v in (m.get("params") or {}).values())
    return _untranslated_param(m, tr, en_text)


def _untranslated_param(v: Any, tr: Any, en_text: bool) -> bool:
    if is_message(v):
        return untranslated(v, tr, en_text)
    if isinstance(v, list):
        return any(_untranslated_param(x, tr, en_text) for x in v)
    if isinstance(v, dict) and len(v) == 1:
        (kind, x), = v.items()
        if kind == "en":
            return en_text and bool(x)
        if kind in ("seq", "lines"):
            return any(_untranslated_param(i, tr, en_text) for i in x)
    return False


def map_strings(m: Any, fn: Any) -> Any:
    """`m` with `fn` applied to every string said as it is (a parameter, English text), not to
    msgids: e.g. to take a server's folder out of file names."""
    if isinstance(m, str):
        return fn(m)
    if isinstance(m, list):
        return [map_strings(x, fn) for x in m]
    if is_message(m):
        out = dict(m)
        if m.get("params"):
            out["params"] = {k: map_strings(v, fn) for k, v in m["params"].items()}
        return out
    if isinstance(m, dict):
        return {k: map_strings(v, fn) for k, v in m.items()}
    return m


def english(m: Message | list[Message] | str | None) -> str:
    """The message in English (the msgids are English)."""
    from gettext import NullTranslations

    return render(m, NullTranslations(), "en_GB")


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]
