"""Run the evaluation: build the worlds of each seed, run the engine, score the months.

Per seed three worlds (world.generate): `none` (null dynamics only), `a` and `b` (five
non-interfering effects each, together all ten effect types). The engine
(`engine.run_month`, every registered detector, Benjamini-Hochberg, ranking) runs on the
last month of `a` and `b` and on the last NULL_MONTHS months of `none`; `matching` scores
each month.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smi.evaluation.matching import Ownership, fact_key, family, score_month
from smi.evaluation.world import EFFECT_TYPES, generate

RECALL_TARGET = 0.90
NULL_FALSE_TARGET = 0.5  # false findings a month on null worlds, at most
NULL_MONTHS = 3
KINDS = ("a", "b")
UNTIL = "2025-10"


def _shift(month: str, n: int) -> str:
    y, m = map(int, month.split("-"))
    k = y * 12 + m - 1 + n
    return f"{k // 12:04d}-{k % 12 + 1:02d}"


def _describe(f: Any) -> dict[str, Any]:
    return {"detector": f.detector, "metric": f.metric, "family": family(f.metric), "subject": f.subject,
            "direction": f.direction, "title": f.title, "q": f.q_value}


@dataclass
class Evaluation:
    seeds: list[int]
    planted: dict[str, int] = field(default_factory=lambda: {t: 0 for t in EFFECT_TYPES})
    recalled: dict[str, int] = field(default_factory=lambda: {t: 0 for t in EFFECT_TYPES})
    null_months: int = 0
    null_false: list[dict[str, Any]] = field(default_factory=list)
    effect_months: int = 0
    effect_false: list[dict[str, Any]] = field(default_factory=list)
    confounder: int = 0
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    months_with_duplicates: int = 0
    missed: list[dict[str, Any]] = field(default_factory=list)

    def recall(self, t: str) -> float | None:
        return self.recalled[t] / self.planted[t] if self.planted[t] else None

    @property
    def null_false_per_month(self) -> float | None:
        return len(self.null_false) / self.null_months if self.null_months else None

    @property
    def effect_false_per_month(self) -> float | None:
        return len(self.effect_false) / self.effect_months if self.effect_months else None

    @property
    def passed(self) -> bool:
        recall_ok = all((self.recall(t) or 0.0) >= RECALL_TARGET for t in EFFECT_TYPES if self.planted[t])
        fpm = self.null_false_per_month
        return recall_ok and fpm is not None and fpm <= NULL_FALSE_TARGET and self.months_with_duplicates == 0

    def add(self, world: dict[str, Any]) -> None:
        """Fold one world's scored months (from `evaluate_world`) in."""
        for month in world["months"]:
            if world["kind"] == "none":
                self.null_months += 1
                self.null_false += month["false"]
            else:
                self.effect_months += 1
                self.effect_false += month["false"]
                self.confounder += month["confounder"]
                for e, hit in zip(world["effects"], month["recalled"], strict=True):
                    self.planted[e["type"]] += 1
                    self.recalled[e["type"]] += int(hit)
                    if not hit:
                        self.missed.append({"seed": world["seed"], "month": month["month"], **e})
            self.duplicates += month["duplicates"]
            self.months_with_duplicates += int(bool(month["duplicates"]))

    def to_json(self) -> dict[str, Any]:
        return {
            "seeds": self.seeds,
            "recall": {t: {"planted": self.planted[t], "recalled": self.recalled[t], "recall": self.recall(t)}
                       for t in EFFECT_TYPES},
            "null_months": self.null_months, "null_false": len(self.null_false),
            "null_false_per_month": self.null_false_per_month,
            "effect_months": self.effect_months, "effect_false": len(self.effect_false),
            "effect_false_per_month": self.effect_false_per_month, "confounder_findings": self.confounder,
            "duplicates": len(self.duplicates), "months_with_duplicates": self.months_with_duplicates,
            "false_on_null_worlds": self.null_false, "false_on_effect_worlds": self.effect_false,
            "duplicate_findings": self.duplicates, "missed": self.missed, "passed": self.passed,
            "targets": {"recall_each_type": RECALL_TARGET, "null_false_per_month_at_most": NULL_FALSE_TARGET,
                        "months_with_duplicates": 0},
        }


def evaluate_world(seed: int, kind: str, root: Path, until: str = UNTIL, null_months: int = NULL_MONTHS,
                   run: Callable[..., list[Any]] | None = None) -> dict[str, Any]:
    """Build one world, run the engine on its months, score them (plain data, picklable)."""
    from smi.evaluation.build import build_workspace
    from smi.insights.engine import run_month

    run = run or run_month
    world = generate(seed, kind, _shift(until, -(seed % 12)))  # the seasons' phase varies by seed
    effects = [e.to_json() for e in world.effects]
    folder = root / f"seed{seed}-{kind}"
    if folder.exists():
        shutil.rmtree(folder)
    ws = build_workspace(world, folder)
    own = Ownership(platforms={a.account_id.lower(): a.platform for a in world.accounts},
                    people={p: set(h) for p, h in world.people.items()})
    last = world.last_month
    months = [last] if kind != "none" else [_shift(last, -k) for k in range(null_months - 1, -1, -1)]
    scored = []
    try:
        for month in months:
            found = run(ws, month, seed=seed)
            s = score_month(found, effects, own)
            tag = {"seed": seed, "kind": kind, "month": month}
            scored.append({
                "month": month, "recalled": [s.recalled[i] for i in range(len(effects))],
                "false": [{**tag, **_describe(f), "fact": list(fact_key(f, own))} for f in s.false],
                "confounder": len(s.confounder),
                "duplicates": [{**tag, **_describe(f)} for f in s.duplicates],
            })
    finally:
        ws.close()
        shutil.rmtree(folder, ignore_errors=True)
    return {"seed": seed, "kind": kind, "effects": effects, "months": scored}


def evaluate(seeds: list[int], *, until: str = UNTIL, kinds: tuple[str, ...] = ("none", *KINDS),
             null_months: int = NULL_MONTHS, jobs: int = 1, directory: Path | None = None,
             progress: Callable[[str], None] | None = None) -> Evaluation:
    """Every world of every seed, scored (see the module docstring)."""
    say = progress or (lambda _m: None)
    ev = Evaluation(seeds=list(seeds))
    jobs_list = [(s, k) for s in seeds for k in kinds]
    with tempfile.TemporaryDirectory(prefix="smi-evaluate-") as tmp:
        root = Path(directory) if directory is not None else Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        if jobs <= 1:
            for i, (s, k) in enumerate(jobs_list, 1):
                say(f"world {i} of {len(jobs_list)} (seed {s}, {k})")
                ev.add(evaluate_world(s, k, root, until, null_months))
        else:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                futures = [pool.submit(evaluate_world, s, k, root, until, null_months) for s, k in jobs_list]
                for i, fut in enumerate(futures, 1):
                    say(f"world {i} of {len(jobs_list)}")
                    ev.add(fut.result())
    return ev


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.0%}"


def summary(ev: Evaluation) -> str:
    """A few lines for people: recall per effect type, false findings, duplicates."""
    lines = [f"{len(ev.seeds)} seeds; effect months {ev.effect_months}, null months {ev.null_months}"]
    for t in EFFECT_TYPES:
        if ev.planted[t]:
            lines.append(f"  recall {t}: {ev.recalled[t]} of {ev.planted[t]} ({_pct(ev.recall(t))})")
    fpm = ev.null_false_per_month
    lines.append(f"false findings on null worlds: {len(ev.null_false)} in {ev.null_months} months "
                 f"({'n/a' if fpm is None else f'{fpm:.2f}'} a month; target <= {NULL_FALSE_TARGET:g})")
    efpm = ev.effect_false_per_month
    lines.append(f"false findings on effect worlds: {len(ev.effect_false)} in {ev.effect_months} months "
                 f"({'n/a' if efpm is None else f'{efpm:.2f}'} a month), {ev.confounder} about a confounder")
    lines.append(f"duplicates: {len(ev.duplicates)} findings repeating another, in {ev.months_with_duplicates} months "
                 "(target: none)")
    lines.append(f"recall target >= {RECALL_TARGET:.0%} for each effect type")
    lines.append("PASS" if ev.passed else "FAIL")
    return "\n".join(lines)


def _top(rows: list[dict[str, Any]], key: Callable[[dict[str, Any]], str], n: int = 8) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for r in rows:
        counts[key(r)] = counts.get(key(r), 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def markdown(ev: Evaluation, command: str, when: str) -> str:
    """The results section of docs/accuracy.md."""
    out = [f"Measured {when} with `{command}`:", "",
           "| effect type | planted | recalled | recall | target |", "| --- | --- | --- | --- | --- |"]
    for t in EFFECT_TYPES:
        if ev.planted[t]:
            out.append(f"| {t} | {ev.planted[t]} | {ev.recalled[t]} | {_pct(ev.recall(t))} | ≥ 90% |")
    fpm, efpm = ev.null_false_per_month, ev.effect_false_per_month
    out += ["", "| measure | measured | target |", "| --- | --- | --- |",
            f"| false findings a month, null worlds | {len(ev.null_false)} in {ev.null_months} months "
            f"({'n/a' if fpm is None else f'{fpm:.2f}'}) | ≤ 0.5 |",
            f"| false findings a month, effect worlds | {len(ev.effect_false)} in {ev.effect_months} months "
            f"({'n/a' if efpm is None else f'{efpm:.2f}'}) | — |",
            f"| findings about a confounder | {ev.confounder} | 0 |",
            f"| duplicate findings (months with one) | {len(ev.duplicates)} ({ev.months_with_duplicates}) | 0 |",
            f"| all targets | {'met' if ev.passed else 'not met'} | |", ""]
    allfalse = ev.null_false + ev.effect_false
    if allfalse:
        out.append("False findings by detector and metric family: " + ", ".join(
            f"{k} {v}" for k, v in _top(allfalse, lambda r: f"{r['detector']}/{r['family']}")) + ".")
    if ev.duplicates:
        out.append("Duplicates by detector: " + ", ".join(
            f"{k} {v}" for k, v in _top(ev.duplicates, lambda r: str(r["detector"]))) + ".")
    if ev.missed:
        out.append("Missed by effect type: " + ", ".join(
            f"{k} {v}" for k, v in _top(ev.missed, lambda r: str(r["type"]), 10)) + ".")
    return "\n".join(out) + "\n"


BEGIN, END = "<!-- evaluation results: begin (written by smi evaluate --doc) -->", "<!-- evaluation results: end -->"


def write_doc(path: Path, section: str, tag: str = "") -> None:
    """Put the results between the markers of `path` (appended, with the markers, if absent).
    `tag` (e.g. "seeds 101-120", a held-out set) gives the results markers of their own."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    begin, end = (BEGIN, END) if not tag else (BEGIN.replace("results:", f"results ({tag}):"),
                                                END.replace("results:", f"results ({tag}):"))
    block = f"{begin}\n{section}{end}"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
