"""Precision and recall of the question rule (the numbers in docs/accuracy.md, Questions).

Reads the hand labels in tests/fixtures/questions/labels.csv (source, id, label, split) and
the texts they point to in ../shared/data/real, in place (twcs is CC BY-NC-SA and Siarad
GPL: their texts are read here, never copied):

- twcs: tweet_id in twcs-sample-first5000/twcs_first5000.csv (inbound customer tweets);
- ibm: tweet_ID of a client turn in customer-service-ibm-twitter-care/{dev,test}.json;
- techiaith: line number in welsh-techiaith-cc0-sentences/cy.txt;
- siarad: line number in welsh-siarad-codeswitching/utterances_derived.tsv (its `text`).

The rule is scored on each text as written, and again with every question mark removed
(people often leave it out; the second score is the rule's word part alone).

    .venv/bin/python bench/questions_accuracy.py [--split heldout|dev|all]
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "real"
LABELS = ROOT / "tests" / "fixtures" / "questions" / "labels.csv"


def labels() -> list[dict[str, str]]:
    with LABELS.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def texts(real: Path = REAL) -> dict[tuple[str, str], str]:
    """{(source, id): text} for every id the labels name."""
    out: dict[tuple[str, str], str] = {}
    csv.field_size_limit(sys.maxsize)
    with (real / "twcs-sample-first5000" / "twcs_first5000.csv").open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            out["twcs", r["tweet_id"]] = html.unescape(r["text"])
    for name in ("dev", "test"):
        for conv in json.loads((real / "customer-service-ibm-twitter-care" / f"{name}.json").read_text(encoding="utf-8")):
            for turn in conv["dialogContent"]:
                if "client" in turn:
                    out["ibm", turn["tweet_ID"]] = turn["message"]
    lines = (real / "welsh-techiaith-cc0-sentences" / "cy.txt").read_text(encoding="utf-8").split("\n")
    out.update({("techiaith", str(n)): t for n, t in enumerate(lines, 1)})
    lines = (real / "welsh-siarad-codeswitching" / "utterances_derived.tsv").read_text(encoding="utf-8").split("\n")
    column = lines[0].split("\t").index("text")
    out.update({("siarad", str(n)): t.split("\t")[column] for n, t in enumerate(lines, 1) if n > 1 and t})
    return out


def score(rows: list[tuple[bool, bool]]) -> dict[str, float | int | None]:
    """rows: (truth, rule) pairs."""
    tp = sum(t and r for t, r in rows)
    said = sum(r for _, r in rows)
    true = sum(t for t, _ in rows)
    return {"n": len(rows), "questions": true, "flagged": said, "correct": tp,
            "precision": tp / said if said else None, "recall": tp / true if true else None}


def evaluate(split: str = "heldout", real: Path = REAL, rule: Callable[[str], object] | None = None) -> dict[str, dict[str, dict]]:
    """{source or 'all': {'as written' | 'no question marks': score}}"""
    if rule is None:
        from smi.enrich.questions import is_question as rule
    text = texts(real)
    chosen = [r for r in labels() if split == "all" or r["split"] == split]
    out: dict[str, dict[str, dict]] = {}
    for source in [*sorted({r["source"] for r in chosen}), "all"]:
        rows = [r for r in chosen if source in ("all", r["source"])]
        out[source] = {}
        for mode in ("as written", "no question marks"):
            pairs = []
            for r in rows:
                t = text[r["source"], r["id"]]
                if mode != "as written":
                    t = t.replace("?", " ").replace("？", " ").replace("؟", " ")
                pairs.append((r["label"] == "1", bool(rule(t))))
            out[source][mode] = score(pairs)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="heldout", choices=("heldout", "dev", "all"))
    args = ap.parse_args()
    res = evaluate(args.split)
    print(f"split: {args.split}")
    print(f"{'source':<10} {'mode':<18} {'n':>4} {'questions':>9} {'flagged':>7} {'correct':>7} {'precision':>9} {'recall':>7}")
    for source, modes in res.items():
        for mode, s in modes.items():
            p = "-" if s["precision"] is None else f"{s['precision']:.3f}"
            r = "-" if s["recall"] is None else f"{s['recall']:.3f}"
            print(f"{source:<10} {mode:<18} {s['n']:>4} {s['questions']:>9} {s['flagged']:>7} {s['correct']:>7} {p:>9} {r:>7}")


if __name__ == "__main__":
    main()
