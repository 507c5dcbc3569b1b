"""Purpose rules: the profile's `[purposes.<purpose>]` rules compiled, and the purpose of one
post or interaction from them (the steps are in smi.purposes' docstring).

Below both smi.purposes (which applies purposes to the store) and smi.purpose_model (the
classifier, which takes the labels in the data as examples and decides only what no rule
does), so neither needs the other's module to read the rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from smi.platforms import normalise_handle, parse_account
from smi.profile import PURPOSES

if TYPE_CHECKING:
    from smi.profile import Profile

OTHER = "other"
_HASHTAG = re.compile(r"#(\w+)")


@dataclass(frozen=True)
class _Rule:
    purpose: str
    labels: frozenset[str]
    handles: frozenset[tuple[str, str]]
    domains: tuple[str, ...]
    hashtags: frozenset[str]
    words: re.Pattern[str] | None


def rules(profile: Profile) -> list[_Rule]:
    out = []
    for purpose in PURPOSES:
        if purpose == OTHER:
            continue
        r = profile.purposes.get(purpose)
        words = list(r.words if r else [])
        pattern = (re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
                              + r")(?!\w)", re.IGNORECASE) if words else None)
        out.append(_Rule(
            purpose,
            frozenset(r.labels if r else []) | {purpose},
            frozenset(parse_account(h) for h in (r.handles if r else [])),
            tuple(r.domains if r else ()),
            frozenset(r.hashtags if r else ()),
            pattern,
        ))
    return out


def _domain(link: str) -> str:
    host = urlparse(link if "://" in link else f"https://{link}").hostname or ""
    return host.lower().removeprefix("www.")


def classify(item: dict[str, Any], compiled: list[_Rule]) -> str:
    """The purpose of one post or interaction (keys: platform, text, hashtags, mentions, links,
    labels, author)."""
    return classify_source(item, compiled)[0]


def data_label(item: dict[str, Any], compiled: list[_Rule]) -> str | None:
    """The purpose a label in the data gives (step 1), or None."""
    labels = {str(x).strip().lower() for x in item.get("labels") or []}
    for r in compiled:
        if labels & r.labels:
            return r.purpose
    return None


def classify_source(item: dict[str, Any], compiled: list[_Rule]) -> tuple[str, str]:
    """The purpose of one post or interaction and where it came from: "label" (step 1),
    "rule" (steps 2-5) or "none" (other)."""
    platform = item.get("platform") or ""
    text = item.get("text") or ""
    labels = {str(x).strip().lower() for x in item.get("labels") or []}
    handles = {(platform, normalise_handle(platform, str(h))) for h in item.get("mentions") or []}
    if item.get("author"):
        handles.add((platform, normalise_handle(platform, str(item["author"]))))
    domains = {_domain(str(x)) for x in item.get("links") or []}
    tags = {str(x).lower().lstrip("#") for x in item.get("hashtags") or []} | {
        t.lower() for t in _HASHTAG.findall(text)}
    steps = (
        lambda r: bool(labels & r.labels),
        lambda r: bool(handles & r.handles),
        lambda r: any(d == rd or d.endswith("." + rd) for d in domains for rd in r.domains),
        lambda r: bool(tags & r.hashtags),
        lambda r: r.words is not None and r.words.search(text) is not None,
    )
    for i, step in enumerate(steps):
        for r in compiled:
            if step(r):
                return r.purpose, "label" if i == 0 else "rule"
    return OTHER, "none"
