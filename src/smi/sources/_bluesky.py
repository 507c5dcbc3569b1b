"""Bluesky post records (`app.bsky.feed.post`): the parts every Bluesky importer maps the
same way, so a post read from a repository export and from the API merges unchanged.
Not a source itself."""

from __future__ import annotations

from typing import Any


def ref(value: Any) -> str | None:
    uri = value.get("uri") if isinstance(value, dict) else None
    return uri if isinstance(uri, str) and uri.startswith("at://") else None


def facets(facets: Any, text: str) -> tuple[list[str], list[str], list[str]]:
    """(mentions, links, hashtags) from the record's rich-text facets (byte ranges)."""
    mentions: list[str] = []
    links: list[str] = []
    tags: list[str] = []
    raw = text.encode("utf-8")
    for facet in facets if isinstance(facets, list) else []:
        if not isinstance(facet, dict):
            continue
        index = facet.get("index") if isinstance(facet.get("index"), dict) else {}
        start, end = index.get("byteStart"), index.get("byteEnd")
        span = (raw[start:end].decode("utf-8", errors="ignore")
                if isinstance(start, int) and isinstance(end, int) else "")
        for feat in facet.get("features") or []:
            t = str(feat.get("$type", "")) if isinstance(feat, dict) else ""
            if t.endswith("#mention") and feat.get("did"):
                m = span.lstrip("@").lower() if span.startswith("@") else str(feat["did"])
                if m not in mentions:
                    mentions.append(m)
            elif t.endswith("#link") and feat.get("uri") and feat["uri"] not in links:
                links.append(str(feat["uri"]))
            elif t.endswith("#tag") and feat.get("tag") and feat["tag"] not in tags:
                tags.append(str(feat["tag"]))
    return mentions, links, tags


def embed(value: Any) -> tuple[str | None, str | None]:
    """(format, quoted post's AT-URI) of a record's embed."""
    if not isinstance(value, dict):
        return None, None
    t = str(value.get("$type", ""))
    if t == "app.bsky.embed.images":
        return "image", None
    if t == "app.bsky.embed.video":
        return "video", None
    if t == "app.bsky.embed.external":
        return "link", None
    if t == "app.bsky.embed.record":
        return None, quoted(ref(value.get("record")))
    if t == "app.bsky.embed.recordWithMedia":
        inner = value.get("record")
        return embed(value.get("media"))[0], quoted(ref(inner.get("record") if isinstance(inner, dict) else None))
    return None, None


def quoted(uri: str | None) -> str | None:
    """Only an embedded post is a quote (not an embedded feed, list or starter pack)."""
    return uri if uri and "/app.bsky.feed.post/" in uri else None
