"""Write smi's canonical CSV files (docs/formats.md): posts, interactions, audience, effort.

posts.csv holds the platforms without an archive format here (Instagram, Facebook,
LinkedIn), with lifetime metrics as of the export; a metric the platform does not give is
left blank (not available), never 0. interactions.csv holds the conversation on every
platform, the organisation's answers included; audience.csv every account's day-by-day
followers; effort.csv the staff time log.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from typing import Any

from smi.demo.generate import World

POSTS = ("platform", "post_id", "account", "author", "published_at", "kind", "format", "text",
         "language", "url", "in_reply_to", "labels", "impressions", "reach", "reactions",
         "comments", "shares", "saves", "clicks", "video_views", "observed_at")
INTERACTIONS = ("platform", "interaction_id", "kind", "post_id", "in_reply_to", "author",
                "from_organisation", "created_at", "text", "language")
AUDIENCE = ("platform", "account", "date", "followers", "gained", "lost", "visits")
EFFORT = ("person", "date", "minutes", "platform", "activity", "note")
ARCHIVED = ("x", "mastodon")  # platforms whose posts are in archive files instead


def iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _cell(v: Any) -> str:
    return "" if v is None else str(v)


def _write(path: Path, header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> Path:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow([_cell(v) for v in r])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue().encode("utf-8"))
    return path


def _text(p: Any) -> str:
    """The post as the platform shows it: hashtags and links at the end."""
    parts = [p.text] + [f"#{t}" for t in p.hashtags] + p.links
    return " ".join(parts)


def write_csvs(world: World, directory: Path) -> list[Path]:
    observed = iso(world.exported)
    posts = []
    for p in world.posts:
        if p.account.platform in ARCHIVED:
            continue
        m = p.metrics
        posts.append((p.account.platform, p.native_id, p.account.handle, p.account.person, iso(p.published),
                      p.kind, p.format, _text(p), p.language, p.url, None,
                      p.production, m.get("impressions"), m.get("reach"), m.get("reactions"),
                      m.get("comments"), m.get("shares"), m.get("saves"), m.get("clicks"),
                      m.get("video_views"), observed))
    interactions = [
        (i.platform, i.native_id, i.kind, i.post.native_id if i.post else None, i.in_reply_to, i.author,
         "true" if i.from_organisation else "false", iso(i.created), i.text, i.language)
        for i in world.interactions
    ]
    audience = [(a.account.platform, a.account.handle, a.day.isoformat(), a.followers, a.gained, a.lost,
                 a.visits) for a in world.audience]
    effort = [(e.person, e.day.isoformat(), e.minutes, e.platform, e.activity, e.note)
              for e in world.effort]
    return [
        _write(directory / "posts.csv", POSTS, posts),
        _write(directory / "interactions.csv", INTERACTIONS, interactions),
        _write(directory / "audience.csv", AUDIENCE, audience),
        _write(directory / "effort.csv", EFFORT, effort),
    ]
