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

`apply_purposes` writes them to `posts.purpose` and `interactions.purpose`, with where each
came from in `purpose_source`, first that applies:

- `person`: a purpose a person gave (`smi label`); nothing overwrites it;
- `label`: step 1 above (a label in the data);
- `rule`: steps 2–5;
- `model`: the classifier trained on the labelled examples (smi.purpose_model), with its
  probability in `purpose_confidence`; only once it beats always giving the most common
  purpose on held-back labels, and in a table with labelled examples of its own;
- `none`: "other", nothing decided (the model's probability kept when it was too unsure).

Then every catalogue metric breaks down by purpose (`smi metric engagements --by purpose`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from smi.profile import PURPOSES
from smi.purpose_rules import OTHER, classify, classify_source, data_label, rules

if TYPE_CHECKING:
    from smi.workspace import Workspace

__all__ = ["OTHER", "Applied", "apply_purposes", "classify", "classify_source", "data_label", "figures",
           "label", "rules"]


@dataclass(frozen=True)
class Applied:
    counts: dict[str, Counter[str]]  # table -> purpose -> rows
    changed: dict[str, int]
    sources: Counter[str] = field(default_factory=Counter)  # person | label | rule | model | none -> rows
    model_examples: int = 0  # labelled examples the model was trained on (0: no model)
    model_note: str = ""  # why the model gave no purpose (not enough labels, no better than a guess)

    def summary(self) -> str:
        parts = []
        for table, c in self.counts.items():
            total = sum(c.values())
            each = ", ".join(f"{p} {c[p]:,}" for p in PURPOSES if c[p])
            parts.append(f"{total:,} {table}" + (f" ({each})" if each else ""))
        changed = sum(self.changed.values())
        src = ", ".join(f"{SOURCE_WORDS[s]} {self.sources[s]:,}" for s in SOURCE_WORDS if self.sources[s])
        model = (f"; model trained on {self.model_examples:,} labelled examples" if self.model_examples
                 else f"; the model gave no purpose: {self.model_note or 'no model yet'}")
        return (f"purposes of {' and '.join(parts)}; {changed:,} changed since last time"
                + (f"; from {src}" if src else "") + model)


SOURCE_WORDS = {"person": "people's labels", "label": "labels in the data", "rule": "rules",
                "model": "the model", "none": "nothing (other)"}


def apply_purposes(ws: Workspace) -> Applied:
    """Set every post's and interaction's purpose, and where it came from (writes the store):
    a person's label, a label in the data, a rule, the model, else other."""
    from smi.purpose_model import (
        ACCEPT,
        MIN_EVAL,
        MIN_TRAIN,
        document,
        evaluate_examples,
        examples,
        fit,
    )
    from smi.store import purposes as records

    compiled = rules(ws.profile)
    ex = examples(ws)
    # The model decides only when it has shown on held-back labels that it beats always giving
    # the most common purpose, and only in a table with MIN_TRAIN labelled examples of its own
    # (a model of posts is not let loose on comments).
    check = evaluate_examples([e.document for e in ex], [e.purpose for e in ex], sum(e.source == "person" for e in ex))
    model, note = None, ""
    if not check.enough:
        note = f"{check.labels:,} labelled examples, {MIN_EVAL} needed (`smi label`)"
    elif check.accuracy is None or check.baseline is None or check.accuracy <= check.baseline:
        note = (f"its accuracy on held-back labels ({check.accuracy:.0%}) is no better than always giving "
                f"the most common purpose ({check.baseline:.0%}); label more posts (`smi label`)")
    else:
        model = fit([e.document for e in ex], [e.purpose for e in ex])
    per_table = Counter(e.table for e in ex)
    people = records.person_labels(ws.store)
    counts: dict[str, Counter[str]] = {}
    changed: dict[str, int] = {}
    sources: Counter[str] = Counter()
    for table in ("posts", "interactions"):
        keys: list[str] = []
        given: list[str] = []
        source: list[str] = []
        conf: list[float | None] = []
        undecided: list[tuple[int, str]] = []
        for batch in records.items(ws.store, table):
            for item in batch:
                keys.append(item["key"])
                person = people.get((table, item["key"]))
                if person is not None:
                    p, s = person, "person"
                else:
                    p, s = classify_source(item, compiled)
                    if s == "none" and model is not None and per_table[table] >= MIN_TRAIN:
                        undecided.append((len(given), document(item)))
                given.append(p)
                source.append(s)
                conf.append(None)
        if model is not None and undecided:
            guess, prob, _ = model.predict([d for _, d in undecided])
            for (i, _), g, c in zip(undecided, guess, prob, strict=True):
                conf[i] = c
                if c >= ACCEPT:
                    given[i], source[i] = g, "model"
        counts[table] = Counter(given)
        sources.update(source)
        changed[table] = records.write_purposes(ws.store, table, keys, given, source, conf)
    return Applied(counts, changed, sources, model.n if model is not None else 0, note)


def label(ws: Workspace, key: str, purpose: str, by: str | None = None, table: str = "posts") -> None:
    """Store the purpose a person gave a post (or interaction); `apply_purposes` uses it."""
    from smi.store import purposes as records

    if purpose not in PURPOSES:
        raise ValueError(f"'{purpose}' is not a purpose; use one of: {', '.join(PURPOSES)}")
    records.write_label(ws.store, table, key, purpose, by)


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
