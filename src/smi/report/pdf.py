"""The PDF: the HTML report laid out by WeasyPrint (A4, page numbers, contents with page
numbers; the CSS's print rules keep tables and charts whole)."""

from __future__ import annotations

import base64
import logging
import re
from pathlib import Path
from typing import Any

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


SVG_TAG = "{http://www.w3.org/2000/svg}svg"
_INLINE_SVG = re.compile(r"<svg\b([^>]*)>(.*?)</svg>", re.S)
_LIFTED = "data-smi-svg"
_lifted: dict[str, Any] = {}  # stub id -> the chart's SVG as an element (ElementTree)


def _lift_svgs(html: str) -> tuple[str, list[str]]:
    """The page with each inline chart's drawing taken out: the <svg> element stays, with its
    attributes (so the same CSS sizes it), and a stub id. The drawing is parsed here with
    ElementTree and handed back when WeasyPrint draws the chart (_draw_svg): WeasyPrint
    otherwise parses, styles and builds boxes for every mark of every chart (a third of the
    page's elements) before drawing them from the same tree. A drawing ElementTree cannot
    read stays inline, as before."""
    import uuid
    import xml.etree.ElementTree as ET

    run = uuid.uuid4().hex[:8]
    keys: list[str] = []

    def lift(m: re.Match[str]) -> str:
        try:
            element = ET.fromstring(m.group(0))
        except ET.ParseError:
            return m.group(0)
        if element.tag != SVG_TAG or _LIFTED in m.group(1):
            return m.group(0)
        key = f"{run}-{len(keys)}"
        _lifted[key] = element
        keys.append(key)
        return f'<svg{m.group(1)} {_LIFTED}="{key}"></svg>'

    return _INLINE_SVG.sub(lift, html), keys


def _install_svg_handler() -> bool:
    """WeasyPrint's handler of inline <svg>, wrapped to draw a lifted chart from its own tree;
    False (nothing lifted) when this WeasyPrint has no such handler."""
    try:
        from weasyprint import html as wp_html
    except ImportError:
        return False
    handlers = getattr(wp_html, "HTML_HANDLERS", None)
    if not isinstance(handlers, dict) or SVG_TAG not in handlers:
        return False
    original = handlers[SVG_TAG]
    if getattr(original, "smi_lifted", False):
        return True

    def draw_svg(element: Any, box: Any, get_image_from_uri: Any, base_url: Any) -> Any:
        key = element.get(_LIFTED)
        lifted = _lifted.get(key) if key is not None else None
        return original(element if lifted is None else lifted, box, get_image_from_uri, base_url)

    draw_svg.smi_lifted = True  # type: ignore[attr-defined]
    handlers[SVG_TAG] = draw_svg
    return True


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
    keys: list[str] = []
    if _install_svg_handler():
        html, keys = _lift_svgs(html)
    try:
        doc = weasyprint.HTML(string=html, url_fetcher=_fetcher(), base_url=str(path.parent))
        doc.write_pdf(path)
    finally:
        for key in keys:
            _lifted.pop(key, None)
    return path
