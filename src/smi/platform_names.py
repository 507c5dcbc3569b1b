"""Each platform id's title, as people write it. A leaf module (it imports nothing of smi),
so that smi.messages can name platforms without importing smi.platforms, which imports
smi.errors, which imports smi.messages."""

from __future__ import annotations

PLATFORMS: dict[str, str] = {
    "x": "X (Twitter)",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "linkedin": "LinkedIn",
    "youtube": "YouTube",
    "tiktok": "TikTok",
    "threads": "Threads",
}

__all__ = ["PLATFORMS"]
