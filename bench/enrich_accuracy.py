"""Accuracy and speed of the language labels (the numbers in docs/accuracy.md).

Reads the real data in ../shared/data/real in place (the Siarad corpus is GPL, the Orange
Belgium conversations carry no licence: they are read here, never copied):

- techiaith: 7,000 real Welsh sentences (CC0) — every one should be `cy`;
- siarad: 5,423 utterances of bilingual conversation labelled by the transcribers
  (cy, en, mixed, und);
- bilingual posts built from siarad: a Welsh utterance (>= 5 tokens), a line break, then its
  English translation (as bilingual posts are written) — should be `cy+en`; the translations
  alone — should be `en`;
- the same Welsh sets with a platform tag `en` on every text (Twitter calling Welsh English);
- non-Welsh real exports, imported with smi's own importers (texts and platform tags as
  stored): how many texts come out Welsh (`cy` or `cy+en`) — the false-Welsh rate.

    .venv/bin/python bench/enrich_accuracy.py [--mode low|high] [--detector wide|six]

`--detector six` is the detector before the wide set (six languages, low accuracy, no
arbiter, no names rule, no platform tags), kept here to measure against.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real"
# folder, paths inside it given to `smi import`
EXPORTS = {
    "x-archive-fanfarestiphout": ("tweets.js",),
    "x-archive-rtiatmla": ("data",),
    "linkedin-page-ethioware": (),
    "youtube-studio-ethioware": (),
    "mastodon-archive-dealingwith": (),
    "bluesky-posts-nyc-health-search": ("bluesky_posts.json",),
    "twcs-sample-first5000": ("twcs_first5000.csv",),
}
Detect = Callable[[Sequence[str], Sequence[object] | None], list[str | None]]


def load() -> dict[str, list[tuple[str, str]]]:
    """{set name: [(text, expected label)]}"""
    sets: dict[str, list[tuple[str, str]]] = {}
    cy = (REAL / "welsh-techiaith-cc0-sentences" / "cy.txt").read_text(encoding="utf-8").splitlines()
    sets["techiaith"] = [(t.strip(), "cy") for t in cy if t.strip()]
    csv.field_size_limit(sys.maxsize)
    rows = list(csv.DictReader(
        (REAL / "welsh-siarad-codeswitching" / "utterances_derived.tsv").open(encoding="utf-8"),
        delimiter="\t", quoting=csv.QUOTE_NONE))
    sets["siarad"] = [(r["text"], r["label"]) for r in rows]
    sets["siarad>=5"] = [(r["text"], r["label"]) for r in rows if int(r["n_tokens"]) >= 5]
    pairs = [(r["text"], r["english_translation"].strip().strip('"')) for r in rows
             if r["label"] == "cy" and int(r["n_tokens"]) >= 5 and r["english_translation"].strip()]
    sets["bilingual"] = [(f"{c}\n{e}", "cy+en") for c, e in pairs]
    sets["translations"] = [(e, "en") for _, e in pairs]
    # Precision needs other classes beside each: Welsh sentences, English texts, bilingual posts.
    sets["combined"] = sets["techiaith"] + sets["bilingual"] + sets["translations"]
    return sets


def exports() -> dict[str, tuple[list[str], list[object]]]:
    """{export: (texts, platform tags)} of the non-Welsh real exports."""
    from smi.importer import run_import
    from smi.sources.base import ImportOptions
    from smi.workspace import Workspace

    out: dict[str, tuple[list[str], list[object]]] = {}
    for folder, parts in EXPORTS.items():
        with tempfile.TemporaryDirectory() as d:
            ws = Workspace.create(Path(d) / "ws", name="bench", timezone="UTC")
            try:
                run_import(ws, [REAL.joinpath(folder, *parts)], options=ImportOptions(account="@bench"))
                rows = ws.store.con.execute(
                    "SELECT text, CAST(json_extract(extra, '$.platform_lang') AS VARCHAR) FROM posts "
                    "WHERE text IS NOT NULL UNION ALL SELECT text, "
                    "CAST(json_extract(extra, '$.platform_lang') AS VARCHAR) FROM interactions "
                    "WHERE text IS NOT NULL").fetchall()
            finally:
                ws.close()
        out[folder] = ([t for t, _ in rows], [json.loads(g) if g else None for _, g in rows])
    tweets: dict[int, tuple[str, object]] = {}
    with (REAL / "customer-service-orange-belgium-nl" / "dialogue-orangebenl.txt").open(encoding="utf-8") as f:
        for line in f:
            for t in json.loads(line):
                tweets[t["tweet_id"]] = (t["text"], t.get("tweet_lang"))
    out["customer-service-orange-belgium-nl"] = ([t for t, _ in tweets.values()], [g for _, g in tweets.values()])
    return out


def six_languages(low: bool) -> Detect:
    """The detector before: lingua over en, cy, ga, fr, de, es; segments as now; no arbiter,
    names rule or tags."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    from smi.enrich.language import MIN_LETTERS, combine, letters, segments

    b = LanguageDetectorBuilder.from_iso_codes_639_1(*(getattr(IsoCode639_1, c) for c in ("EN", "CY", "GA", "FR", "DE", "ES")))
    d = (b.with_low_accuracy_mode() if low else b).with_preloaded_language_models().build()

    def detect(texts: Sequence[str], tags: Sequence[object] | None = None) -> list[str | None]:
        segs = {t: [s for s in segments(t) if letters(s) >= MIN_LETTERS] for t in texts if t}
        todo = list(dict.fromkeys(s for ss in segs.values() for s in ss))
        known = {s: (g.iso_code_639_1.name.lower() if g else None)
                 for s, g in zip(todo, d.detect_languages_in_parallel_of(todo), strict=True)}
        return [combine([(known[s], letters(s)) for s in segs[t]]) if t else None for t in texts]

    return detect


def report(name: str, pairs: list[tuple[str, str]], got: list[str | None]) -> None:
    truth = [e for _, e in pairs]
    main = {"cy", "en", "cy+en"}
    got = [g if g in main else ("none" if g is None else "other") for g in got]
    classes = sorted(set(truth) | set(got))
    print(f"\n{name}: {len(pairs):,} texts")
    confusion = Counter(zip(truth, [g or "none" for g in got], strict=True))
    print("  confusion (expected -> got):", dict(sorted(confusion.items())))
    for c in classes:
        tp = confusion[(c, c)]
        pred = sum(v for (e, g), v in confusion.items() if g == c)
        real = sum(v for (e, g), v in confusion.items() if e == c)
        if c in main:
            p = tp / pred if pred else float("nan")
            r = tp / real if real else float("nan")
            print(f"  {c:6} precision {p:.3f} recall {r:.3f} (n={real})")


def timed(detect: Detect, texts: list[str], tags: list[object] | None) -> tuple[list[str | None], str]:
    w0, c0 = time.perf_counter(), time.process_time()
    got = detect(texts, tags)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    return got, f"{cpu / len(texts) * 1e6:.0f} µs CPU a text ({wall / len(texts) * 1e6:.0f} µs wall)"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["low", "high"], default="low")
    ap.add_argument("--detector", choices=["wide", "six"], default="wide")
    args = ap.parse_args()
    from smi.enrich.language import LanguageDetector, wide_languages

    low = args.mode == "low"
    t0 = time.perf_counter()

    def fresh() -> Detect:  # a fresh segment cache for each set; every code kept
        return six_languages(low) if args.detector == "six" else \
            LanguageDetector(wide_languages(), low_accuracy=low).detect

    fresh()(["warm up"], None)
    print(f"detector {args.detector}, mode {args.mode}; built in {time.perf_counter() - t0:.1f} s; "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    for name, pairs in load().items():
        texts = [t for t, _ in pairs]
        got, speed = timed(fresh(), texts, None)
        report(name, pairs, got)
        print(f"  {speed}")
        if name in ("techiaith", "bilingual"):
            got, _ = timed(fresh(), texts, ["en"] * len(texts))
            report(f"{name}, every text tagged `en` by the platform", pairs, got)
    print("\nfalse Welsh (cy or cy+en) in non-Welsh real exports, with the platform's tags:")
    for name, (texts, tags) in exports().items():
        got, speed = timed(fresh(), texts, tags)
        welsh = sum(g in ("cy", "cy+en") for g in got)
        top = ", ".join(f"{k or 'unknown'} {v}" for k, v in Counter(got).most_common(4))
        print(f"  {name}: {welsh} of {len(texts):,} ({welsh / len(texts):.2%}); {top}; {speed}")
    print(f"\npeak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
