"""The PDF: the HTML report laid out by WeasyPrint (A4, page numbers, contents with page
numbers; the CSS's print rules keep tables and charts whole)."""

from __future__ import annotations

import base64
import logging
import re
from pathlib import Path

from smi.errors import SmiError


def _refuse_fetch(url: str, timeout: int = 10, ssl_context: object = None) -> dict[str, object]:
    """Fetch nothing: only an image embedded in the page as a data: URI (a top post's
    thumbnail, smi.images) is decoded (WeasyPrint before 67)."""
    head, sep, data = url.partition(";base64,")
    if sep and head.startswith("data:image/"):
        return {"string": base64.b64decode(data), "mime_type": head[len("data:"):]}
    raise ValueError(f"the report fetches nothing ({url})")


def _fetcher() -> object:
    """Data: URIs only (embedded thumbnails): nothing is fetched from a network or a file."""
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:
        return _refuse_fetch
    return URLFetcher(allowed_protocols={"data"})


class _RegexCache(dict):  # type: ignore[type-arg]
    """tinyhtml5's cache of "characters until" patterns, keyed as it looks them up.

    tinyhtml5 (WeasyPrint's HTML parser, 2.x) stores each pattern under the compiled pattern
    instead of the characters it looked up, so it never finds one and builds the pattern
    again for every attribute and text run: a tenth of the PDF's time on the report.
    Looked up here, a pattern is built once as tinyhtml5 builds it (same regex, same result)."""

    def __missing__(self, key: tuple[object, bool]) -> re.Pattern[str]:
        characters, opposite = key
        if not isinstance(characters, frozenset | set | str | tuple):
            raise KeyError(key)
        regex = "".join([f"\\x{ord(c):02x}" for c in characters])
        pattern = re.compile(f"[{'' if opposite else '^'}{regex}]+")
        self[key] = pattern
        return pattern


def _fix_parser_cache() -> None:
    try:
        from tinyhtml5 import inputstream
    except ImportError:  # an older WeasyPrint (html5lib): nothing to fix
        return
    cache = getattr(inputstream, "characters_until_regex", None)
    if isinstance(cache, dict) and not isinstance(cache, _RegexCache):
        inputstream.characters_until_regex = _RegexCache()


def write_pdf(html: str, path: Path) -> Path:
    try:
        import weasyprint
    except OSError as e:  # Pango missing
        raise SmiError(
            f"PDF reports need the Pango library ({e})",
            fix="install libpango-1.0-0 libpangoft2-1.0-0 (Debian: make system-deps), or pass --format html",
        ) from None
    # WeasyPrint logs CSS it ignores (browser-only properties) at warning level: not the user's concern.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    _fix_parser_cache()
    doc = weasyprint.HTML(string=html, url_fetcher=_fetcher(), base_url=str(path.parent))
    doc.write_pdf(path)
    return path
