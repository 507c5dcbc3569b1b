"""A top post's first photo as a small thumbnail the report embeds (a data: URI).

Where an export carries a post's images (an X archive's `tweets_media/`), the importer keeps
them in the workspace's archive (`archive/<2 hex>/<sha256>-<file name>`) and the post's
`extra` names them: `{"media": [{"file": "<tweet id>-<name>", "alt": "…" or null}]}`.
The thumbnail is decoded and encoded again (only pixels reach the report), at most
THUMB_PX on its longer side; a file that is not a readable JPEG, PNG, GIF or WebP image, is
over MAX_BYTES or MAX_PIXELS, or is no longer in the archive gives no image.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path
from typing import Any

import orjson

THUMB_PX = 160
MAX_BYTES = 5 << 20
MAX_PIXELS = 40_000_000  # decoded size bound (a small file can claim a huge image)
_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
_NAME = re.compile(r"\d{1,30}-[A-Za-z0-9_-]{1,100}\.(?:jpe?g|png|gif|webp)", re.I)


def first_media(extra: str | None) -> dict[str, Any] | None:
    """The first image a post's `extra` names ({"file", "alt"}), or None."""
    if not extra or '"media"' not in extra:
        return None
    try:
        media = orjson.loads(extra).get("media")
    except (orjson.JSONDecodeError, AttributeError):
        return None
    for m in media if isinstance(media, list) else []:
        if isinstance(m, dict) and isinstance(m.get("file"), str) and _NAME.fullmatch(m["file"]):
            alt = m.get("alt")
            return {"file": m["file"], "alt": alt if isinstance(alt, str) and alt.strip() else None}
    return None


def kept_file(archive_dir: Path, name: str) -> Path | None:
    """The kept copy of a file named `name` (archive/<2 hex>/<sha256>-<name>); the newest if
    several contents were kept under that name."""
    if not _NAME.fullmatch(name) or not archive_dir.is_dir():
        return None
    found = [p for p in archive_dir.glob(f"[0-9a-f][0-9a-f]/*-{name}")
             if re.fullmatch(r"[0-9a-f]{64}", p.name[: -len(name) - 1]) and p.is_file()]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def thumbnail(path: Path) -> str | None:
    """A data: URI of the image at `path` shrunk to THUMB_PX, or None if it is not a readable
    image within the bounds."""
    from PIL import Image, UnidentifiedImageError

    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        with Image.open(path) as im:
            if im.format not in _FORMATS or im.width * im.height > MAX_PIXELS:
                return None
            im.seek(0)
            im.thumbnail((THUMB_PX, THUMB_PX))
            alpha = im.mode in ("RGBA", "LA") or (im.mode == "P" and "transparency" in im.info)
            out = io.BytesIO()
            if alpha:
                im.convert("RGBA").save(out, "PNG", optimize=True)
                kind = "png"
            else:
                im.convert("RGB").save(out, "JPEG", quality=80)
                kind = "jpeg"
    except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError):
        return None
    return f"data:image/{kind};base64," + base64.b64encode(out.getvalue()).decode("ascii")


def with_images(archive_dir: Path, posts: list[dict[str, Any]], extras: dict[str, str | None]) -> list[dict[str, Any]]:
    """`posts` (smi.monthly top posts) with `image`: {"file", "alt", "src"} for each whose
    first named image is kept and readable; the others unchanged."""
    out = []
    for p in posts:
        media = first_media(extras.get(p.get("post_key") or ""))
        path = kept_file(archive_dir, media["file"]) if media else None
        src = thumbnail(path) if path is not None else None
        out.append({**p, "image": {**media, "src": src}} if media and src else p)
    return out
