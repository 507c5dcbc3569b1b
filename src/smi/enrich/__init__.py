"""Text enrichment: language, English sentiment, questions and topics, stored in the workspace.

`enrich(ws)` runs after every `smi import` on the rows that are new or changed since they
were last enriched (a row is marked with the import that last changed it); `smi enrich
--all` does every row again. A language given by the import (a canonical CSV's `language`
column) is kept (`language_source = 'given'`); a platform's own tag (`platform_lang` in
extra) is evidence against a Welsh label, not a label (smi.enrich.language). One module
per enrichment: language.py, sentiment.py, questions.py, topics.py. Settings in
workspace.toml:

    [enrich]
    languages = ["cy", "en", "fr"]  # the codes kept; any other language is `other`
                                    # default: the organisation's languages + cy, en
    accuracy = "low"                # or "high": ~4x slower, better on short text
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from smi.enrich.language import FOCUS, LanguageDetector
from smi.errors import SmiError

UNKNOWN_CODES = ("", "und", "zxx", "unknown")
BATCH_ROWS = 50_000
SENTIMENT_CACHE = 500_000  # texts whose score is kept between batches


@dataclass
class EnrichReport:
    posts: int = 0
    interactions: int = 0
    topic_periods: list[tuple[str, str]] = field(default_factory=list)  # (scope, period)

    def summary(self) -> str:
        line = f"enriched {self.posts:,} posts and {self.interactions:,} interactions"
        if self.topic_periods:
            months = len({p for _, p in self.topic_periods if p != "all"})
            line += f"; topics for the workspace and {months:,} months"
        return line


@dataclass(frozen=True)
class Settings:
    languages: tuple[str, ...]
    low_accuracy: bool = True


def settings(ws: Any) -> Settings:
    """The `[enrich]` table of workspace.toml, with defaults from the organisation."""
    from smi.profile import PROFILE_NAME

    try:
        with (ws.root / PROFILE_NAME).open("rb") as f:
            doc = tomllib.load(f).get("enrich", {})
    except (OSError, tomllib.TOMLDecodeError):
        doc = {}
    langs = doc.get("languages")
    if langs is None:
        langs = [*FOCUS, *ws.profile.organisation.languages]
    if not isinstance(langs, list) or not all(isinstance(x, str) for x in langs):
        raise SmiError("workspace.toml: [enrich] languages must be a list of codes, e.g. [\"cy\", \"en\"]",
                       fix="write ISO 639-1 codes such as cy, en, ga, fr")
    accuracy = str(doc.get("accuracy", "low")).lower()
    if accuracy not in ("low", "high"):
        raise SmiError(f"workspace.toml: [enrich] accuracy '{accuracy}' is not low or high",
                       fix='write accuracy = "low" (fast) or "high"')
    return Settings(tuple(dict.fromkeys(c.lower() for c in langs)), accuracy == "low")


def _code(lang: str | None) -> str | None:
    if lang is None:
        return None
    c = lang.strip().lower()
    return None if c in UNKNOWN_CODES else c


def _tag(raw: str | None) -> Any:
    """The platform's language tag as stored in extra (JSON text: a string or a list)."""
    if raw is None:
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None


def enrich(ws: Any, *, everything: bool = False, topics: bool = True,
           progress: Callable[[int], None] | None = None) -> EnrichReport:
    """Enrich rows not yet enriched (every row with `everything`); recompute the topics of
    the months they fall in. Each table's results land in one transaction.

    The topics come first: they read only the texts, and the rows' results mark what is done,
    so an interrupted run (Ctrl-C, a kill) leaves its rows pending and the next run (`smi
    enrich`, or any `smi import`) redoes their months' topics too. (Topics last, a run stopped
    after the rows' results had landed never recomputed those months.)"""
    from smi.enrich import questions, sentiment
    from smi.store import enrichment as se

    store = ws.store
    report = EnrichReport()
    pending = {t: se.pending(store, t, everything=everything) for t in se.TABLES}
    if not any(pending.values()):
        return report
    conf = settings(ws)
    months = {t: se.pending_months(store, t, everything=everything) for t in se.TABLES}
    if topics:
        report.topic_periods = update_topics(store, months)
    detector = LanguageDetector(conf.languages, low_accuracy=conf.low_accuracy)
    scored: dict[str, float] = {}
    for table in se.TABLES:
        if not pending[table]:
            continue
        writer = se.ResultWriter(store, table)
        for batch in se.text_batches(store, table, everything=everything, rows=BATCH_ROWS):
            cols = batch.to_pydict()
            texts, given, sources = cols["text"], cols["language"], cols["language_source"]
            keep = [_code(g) is not None and s != "detected" for g, s in zip(given, sources, strict=True)]
            todo = [t for t, k in zip(texts, keep, strict=True) if not k]
            tags = [_tag(x) for x, k in zip(cols["platform_lang"], keep, strict=True) if not k]
            found = iter(detector.detect(todo, tags))
            langs = [g if k else next(found) for g, k in zip(given, keep, strict=True)]
            srcs = ["given" if k else "detected" for k in keep]
            base = [(_code(x) or "").split("-")[0].split("_")[0] for x in langs]
            if len(scored) > SENTIMENT_CACHE:
                scored.clear()
            scores = sentiment.scores(texts, base, scored)
            out: dict[str, list[Any]] = {
                "key": cols["key"], "language": langs, "language_source": srcs,
                "sentiment": scores, "sentiment_label": [sentiment.label(s) for s in scores],
                "enriched_import_id": cols["import_id"],
            }
            if table == "interactions":
                inbound = [None if f is None else not f for f in cols["from_organisation"]]
                out["is_question"] = questions.flags(texts, inbound)
            writer.add(out)
            if progress:
                progress(batch.num_rows)
        n = writer.commit()
        setattr(report, table, n)
    return report


def update_topics(store: Any, months: dict[str, list[str]]) -> list[tuple[str, str]]:
    """Recompute topics for the whole workspace and the given months of each scope."""
    from smi.enrich.topics import SAMPLE_CAP, analyse
    from smi.store import enrichment as se

    done = []
    for scope, table in (("posts", "posts"), ("audience", "interactions")):
        if not months.get(table):
            continue
        for period in ["all", *months[table]]:
            model = analyse(se.corpus(store, scope, period, limit=SAMPLE_CAP))
            se.replace_topics(store, scope, period, model)
            if model is not None:
                done.append((scope, period))
    return done
