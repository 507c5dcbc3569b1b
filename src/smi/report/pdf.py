"""The PDF: the HTML report laid out by WeasyPrint (A4, page numbers, contents with page
numbers; the CSS's print rules keep tables and charts whole)."""

from __future__ import annotations

import base64
import logging
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
    doc = weasyprint.HTML(string=html, url_fetcher=_fetcher(), base_url=str(path.parent))
    doc.write_pdf(path)
    return path
