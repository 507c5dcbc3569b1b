"""Purposes: what each post and interaction is for, from the profile's rules.

`[purposes.<purpose>]` in workspace.toml lists what marks that purpose (smi.profile.PurposeRule).
A post or interaction takes the purpose of the first rule it matches, looking at, in turn:

1. labels: a label or campaign tag in the data equal to one the rule lists, or to the
   purpose's own name ("promote", "collaborate", …);
2. handles: a partner handle the post mentions, or the interaction's author;
3. domains: a link to the domain or a subdomain of it;
4. hashtags: a hashtag of the post, or `#tag` in the text;
5. words: a word or phrase of the text, as whole words, any case.

Within a step, purposes go in the order of smi.profile.PURPOSES; nothing matched: "other".
`apply_purposes` writes them to `posts.purpose` and `interactions.purpose`; then every
catalogue metric breaks down by purpose (`smi metric engagements --by purpose`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from smi.platforms import normalise_handle, parse_account
from smi.profile import PURPOSES

if TYPE_CHECKING:
    from smi.profile import Profile
    from smi.workspace import Workspace

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
    for step in steps:
        for r in compiled:
            if step(r):
                return r.purpose
    return OTHER


@dataclass(frozen=True)
class Applied:
    counts: dict[str, Counter[str]]  # table -> purpose -> rows
    changed: dict[str, int]

    def summary(self) -> str:
        parts = []
        for table, c in self.counts.items():
            total = sum(c.values())
            each = ", ".join(f"{p} {c[p]:,}" for p in PURPOSES if c[p])
            parts.append(f"{total:,} {table}" + (f" ({each})" if each else ""))
        changed = sum(self.changed.values())
        return f"purposes of {' and '.join(parts)}; {changed:,} changed since last time"


def apply_purposes(ws: Workspace) -> Applied:
    """Set every post's and interaction's purpose from the profile's rules (writes the store)."""
    from smi.store import purposes as records

    compiled = rules(ws.profile)
    counts: dict[str, Counter[str]] = {}
    changed: dict[str, int] = {}
    for table in ("posts", "interactions"):
        keys: list[str] = []
        given: list[str] = []
        for batch in records.items(ws.store, table):
            for item in batch:
                keys.append(item["key"])
                given.append(classify(item, compiled))
        counts[table] = Counter(given)
        changed[table] = records.write_purposes(ws.store, table, keys, given)
    return Applied(counts, changed)


def figures(ws: Workspace, month: str) -> tuple[list[dict[str, Any]], str | None]:
    """Q1 by purpose for the month, every account's posts: the catalogue's `posts`,
    `engagements` and `inbound_interactions` by purpose, each purpose's share of posts and
    engagements per post. Returns the rows (in PURPOSES order) and a note when some rows have
    no purpose yet (`smi purposes apply` not run since they came)."""

    def by_purpose(name: str) -> dict[Any, float | None]:
        df = ws.metric(name, ["purpose"], month=month)
        return {(None if r.purpose is None or r.purpose != r.purpose else r.purpose):
                (None if r.value is None or r.value != r.value else float(r.value)) for r in df.itertuples()}

    def value(d: dict[Any, float | None], p: str) -> float | None:
        # a purpose with no rows counts 0 when the metric has a value at all; else not available
        if p in d:
            return d[p]
        return 0.0 if any(v is not None for v in d.values()) else None

    posts, eng, inter = by_purpose("posts"), by_purpose("engagements"), by_purpose("inbound_interactions")
    total = sum(v for v in posts.values() if v)
    rows = []
    for p in PURPOSES:
        n, e = value(posts, p), value(eng, p)
        rows.append({
            "purpose": p, "posts": n, "share_of_posts": (n or 0) / total if total else None,
            "engagements": e, "engagements_per_post": e / n if e is not None and n else None,
            "interactions": value(inter, p),
        })
    missing = int((posts.get(None) or 0) + (inter.get(None) or 0))
    note = (f"{missing:,} posts and interactions of {month} have no purpose yet: run `smi purposes apply`"
            if missing else None)
    return rows, note
