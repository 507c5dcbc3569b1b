"""Making imported text safe to show: in a spreadsheet, a report link, Markdown or a terminal.

Imported text is written by anyone (the public's comments, a file's name): it must never run
as a spreadsheet formula, a `javascript:` link, raw HTML in Markdown, or an escape code in
the user's terminal.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# A cell a spreadsheet reads as a formula (or DDE) when it starts with one of these.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# C0 and C1 control characters but tab and newline, and DEL: terminal escape sequences start
# with ESC (0x1b) or CSI (0x9b).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~&])")


def is_formula(text: str | None) -> bool:
    return bool(text) and text.startswith(FORMULA_START)  # type: ignore[union-attr]


def neutralise_formula(text: str | None) -> str | None:
    """`=cmd|…` -> `'=cmd|…`: a leading apostrophe makes a spreadsheet show the text as it is."""
    return "'" + text if is_formula(text) else text


def safe_url(url: str | None) -> str | None:
    """The URL if it is http(s) with a host, else None (no `javascript:`, `data:`, `file:`)."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or _CONTROL.search(url):
        return None
    return url


def markdown_text(text: object) -> str:
    """Text safe inline in Markdown: one line, its Markdown and HTML specials escaped."""
    s = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", s)


def printable(text: object) -> str:
    """Text safe to print on a terminal: control characters (ESC, CSI, BEL…) shown as \\xNN."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))
