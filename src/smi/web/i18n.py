"""The web app's words: its own gettext catalogue (locale/<lang>/LC_MESSAGES/web.po) first,
then the report's (smi.report.i18n.Words: metric labels, numbers, months, "not available")."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.support import NullTranslations

from smi.report.i18n import LANGUAGES, Words, load_po

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "web"


@cache
def web_translations(lang: str) -> NullTranslations:
    return load_po(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po", lang, DOMAIN)


class WebWords(Words):
    """Words for one language: the web catalogue, falling back to the report's."""

    def __init__(self, lang: str) -> None:
        super().__init__(lang)
        self.web = web_translations(lang)

    def _(self, message: str, **kw: object) -> str:
        text = self.web.gettext(message)
        if text == message:
            text = self.t.gettext(message)
        return text % kw if kw else text


def pick_language(chosen: str | None, accept: str | None) -> str:
    """The session's choice, else the first of Accept-Language we speak, else English."""
    if chosen in LANGUAGES:
        return chosen
    for part in (accept or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGUAGES:
            return tag
    return "en"
