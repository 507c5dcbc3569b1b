"""Platform ids and account handles: one spelling everywhere."""

from __future__ import annotations

from smi.errors import SmiError
from smi.platform_names import PLATFORMS

ALIASES = {"twitter": "x", "fb": "facebook", "ig": "instagram", "yt": "youtube", "bsky": "bluesky"}


def normalise_platform(value: str) -> str | None:
    """Return the platform id for a name or alias, or None if it is not one we know."""
    key = value.strip().lower()
    key = ALIASES.get(key, key)
    return key if key in PLATFORMS else None


def normalise_handle(platform: str, handle: str) -> str:
    """Lower-case, without the leading @. Mastodon keeps its `user@instance` form."""
    h = handle.strip().lstrip("@").lower()
    if platform == "bluesky":
        h = h.removeprefix("at://")
    return h


def account_id(platform: str, handle: str) -> str:
    return f"{platform}:{normalise_handle(platform, handle)}"


def parse_account(text: str) -> tuple[str, str]:
    """Parse `platform:@handle` into (platform, handle)."""
    if ":" not in text:
        raise SmiError(
            f"'{text}' is not of the form platform:@handle",
            fix="write it like x:@ourcharity or mastodon:@us@example.social",
        )
    plat, handle = text.split(":", 1)
    platform = normalise_platform(plat)
    if platform is None:
        raise SmiError(
            f"'{plat}' is not a platform smi knows",
            fix="use one of: " + ", ".join(PLATFORMS),
        )
    h = normalise_handle(platform, handle)
    if not h:
        raise SmiError(f"'{text}' has no handle after the colon", fix="write e.g. x:@ourcharity")
    return platform, h
