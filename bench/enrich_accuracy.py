"""Accuracy and speed of the language labels (the numbers in docs/accuracy.md).

Reads the real Welsh data in ../shared/data/real in place (the Siarad corpus is GPL: it is
read here, never copied):

- techiaith: 7,000 real Welsh sentences (CC0) — every one should be `cy`;
- siarad: 5,423 utterances of bilingual conversation labelled by the transcribers
  (cy, en, mixed, und);
- bilingual posts built from siarad: a Welsh utterance (>= 5 tokens), a line break, then its
  English translation (as bilingual posts are written) — should be `cy+en`; the translations
  alone — should be `en`.

    .venv/bin/python bench/enrich_accuracy.py [--mode low|high] [--method segments|multiple]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from pathlib import Path

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real"


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


def detect_multiple(texts: list[str], low: bool) -> list[str | None]:
    """The alternative: lingua's detect_multiple_languages_of on the whole text."""
    from smi.enrich.language import DEFAULT_LANGUAGES, _detector, combine

    d = _detector(tuple(DEFAULT_LANGUAGES), low)
    out = []
    for t in texts:
        parts = []
        for r in d.detect_multiple_languages_of(t):
            parts.append((r.language.iso_code_639_1.name.lower(), r.end_index - r.start_index))
        out.append(combine(parts))
    return out


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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["low", "high"], default="low")
    ap.add_argument("--method", choices=["segments", "multiple"], default="segments")
    args = ap.parse_args()
    from smi.enrich.language import LanguageDetector

    low = args.mode == "low"
    t0 = time.perf_counter()
    det = LanguageDetector(low_accuracy=low)
    det.detect(["warm up"])
    print(f"mode {args.mode}, method {args.method}; detector built in {time.perf_counter() - t0:.1f} s")
    for name, pairs in load().items():
        texts = [t for t, _ in pairs]
        det = LanguageDetector(low_accuracy=low)  # a fresh segment cache for each set
        t0 = time.perf_counter()
        got = det.detect(texts) if args.method == "segments" else detect_multiple(texts, low)
        dt = time.perf_counter() - t0
        report(name, pairs, got)
        print(f"  {dt / len(texts) * 1e6:.0f} µs a text ({len(texts) / dt:,.0f} texts/s)")


if __name__ == "__main__":
    main()
