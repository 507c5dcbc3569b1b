"""The report's languages: gettext catalogues (Babel) and locale-aware numbers and dates.

Catalogues live in locale/<lang>/LC_MESSAGES/smi.po. They are compiled in memory when first
used, so an edited .po needs no build step. English is the source language (msgids).
Regenerate the template after changing any text: `pybabel extract -F src/smi/report/babel.cfg
-o src/smi/report/locale/smi.pot src/smi/report src/smi/monthly.py` (the month's
messages, e.g. why a number is not available, are marked there) then `pybabel update`.
Finding texts are messages the detectors build (smi.messages; extract them from
src/smi/insights with the keywords `M`, `P:1,2` and `N_`); so are the library's own texts the
web app and the report show (import summaries and errors, "not available" reasons, why a month
was chosen: smi.errors, smi.importer, smi.sources, smi.metrics.availability and .months) and
each catalogue metric's description and unit. `Words.say` / `say_html` / `lang_attr` say them
and mark what has no translation lang="en". The Welsh terms are in docs/glossary-cy.md.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from smi.errors import SmiError

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = {"en": "en_GB", "cy": "cy"}  # report language -> Babel locale
DOMAIN = "smi"


def N_(message: str) -> str:
    """Mark a string for extraction without translating it here."""
    return message


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> NullTranslations:
    """The gettext translations for `lang` ("en" needs none)."""
    check_language(lang)
    return load_po(po_path(lang), lang, DOMAIN)


def load_po(path: Path, lang: str, domain: str) -> NullTranslations:
    """A .po catalogue compiled in memory (none when the file is missing)."""
    if not path.exists():
        return NullTranslations()
    with path.open("rb") as f:
        catalog = read_po(f, locale=LANGUAGES[lang], domain=domain)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(buf, domain=domain)


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise SmiError(
            f"the report has no language {lang!r}",
            fix=f"choose one of: {', '.join(LANGUAGES)}",
        )
    return lang


class Words:
    """Translations and formats for one language, passed to every renderer."""

    def __init__(self, lang: str) -> None:
        self.lang = check_language(lang)
        self.locale = LANGUAGES[lang]
        self.t = translations(lang)

    def _(self, message: str, **kw: object) -> str:
        text = self.t.gettext(message)
        if not kw:
            return text
        if "|" in text:  # a translation that mutates a parameter: "%(last|soft)s" (smi.messages)
            from smi.messages import with_mutations

            text = with_mutations(text, {k: str(v) for k, v in kw.items()})
        return text % kw

    def say(self, m: object) -> str:
        """A message the library built (smi.messages), in this language; a string as it is."""
        from smi.messages import render

        return render(m, self.t, self.locale)  # type: ignore[arg-type]

    def say_html(self, m: object) -> object:
        """The message as HTML: escaped, with English text inside it marked lang="en"."""
        from markupsafe import Markup

        from smi.messages import render

        return Markup(render(m, self.t, self.locale, html=True))  # type: ignore[arg-type]

    def lang_attr(self, m: object) -> object:
        """` lang="en"` for an element holding `m` when part of it has no translation (a msgid
        the catalogue lacks, or plain English text), else nothing."""
        from markupsafe import Markup

        from smi.messages import untranslated

        return Markup(' lang="en"') if untranslated(m, self.t, en_text=False) else Markup("")

    def not_available(self) -> str:
        return self._("not available")

    def num(self, value: int | float | None) -> str:
        """1234567 -> '1,234,567'; None -> 'not available'."""
        if value is None:
            return self.not_available()
        if isinstance(value, float) and not value.is_integer():
            return format_decimal(value, format="#,##0.0", locale=self.locale)
        return format_decimal(int(value), format="#,##0", locale=self.locale)

    def change(self, value: int | None) -> str:
        if value is None:
            return "–"
        return format_decimal(value, format="+#,##0;-#,##0", locale=self.locale) if value else "0"

    def pct(self, value: float | None) -> str:
        if value is None:
            return "–"
        if not round(value, 1):
            return format_decimal(0, format="0.0", locale=self.locale) + "%"
        return format_decimal(value, format="+#,##0.0;-#,##0.0", locale=self.locale) + "%"

    def day(self, value: date | datetime | str | None) -> str:
        """A calendar day, e.g. '5 Oct 2026' / '5 Hyd 2026'; a datetime keeps its time."""
        if value is None:
            return "–"
        if isinstance(value, str):
            value = date.fromisoformat(value[:10])
        text = format_date(value, "d MMM y", locale=self.locale)
        if isinstance(value, datetime):
            text += f" {value:%H:%M} {value.tzname() or ''}".rstrip()
        return text

    def month(self, value: date | str) -> str:
        """A month, e.g. 'October 2026' / 'Hydref 2026' (standalone month name)."""
        if isinstance(value, str):
            value = date.fromisoformat(value[:7] + "-01")
        return format_date(value, "LLLL y", locale=self.locale)

    def month_short(self, value: str) -> str:
        """'2026-10' -> 'Oct 2026' / 'Hyd 2026' (chart axes, table columns)."""
        return format_date(date.fromisoformat(value + "-01"), "LLL y", locale=self.locale)

    def join(self, items: list[str], conj: str = "and", mutate: bool = False) -> str:
        """'a, b and c' / 'a, b or c'. In Welsh, `mutate` applies the mutation the conjunction
        causes to the last (Welsh) word: "neu gadwadau", "a chadwadau", "ac argraffiadau"."""
        if len(items) <= 1:
            return "".join(items)
        word = self._("and") if conj == "and" else self._("or")
        last = items[-1]
        if self.lang == "cy" and mutate:
            word, last = welsh_after(word, last)
        return ", ".join(items[:-1]) + f" {word} " + last


SOFT = (("ll", "l"), ("rh", "r"), ("c", "g"), ("p", "b"), ("t", "d"), ("g", ""), ("b", "f"),
        ("d", "dd"), ("m", "f"))
ASPIRATE = (("c", "ch"), ("p", "ph"), ("t", "th"))


def _mutate(word: str, table: tuple[tuple[str, str], ...]) -> str:
    for old, new in table:
        if word.startswith(old) and not (old == "c" and word.startswith("ch")) and not (
            old in ("p", "t") and word[1:2] == "h"
        ):
            return new + word[len(old):]
    return word


def welsh_after(conj: str, word: str) -> tuple[str, str]:
    """The Welsh conjunction and the word after it, mutated: neu + soft mutation; a + aspirate
    mutation, and "ac" before a vowel."""
    if conj == "neu":
        return conj, _mutate(word, SOFT)
    if conj == "a":
        if word[:1].lower() in "aeiouwyâêîôûŵŷ":
            return "ac", word
        return conj, _mutate(word, ASPIRATE)
    return conj, word
