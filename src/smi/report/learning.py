"""The report's "Outcomes: learning" section: the learning survey's anonymised summary
(smi.survey.summary, held by the Month) as words and one table, in the report's language.
No name ever appears: the Month holds none."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from smi.report.i18n import N_, Words

LEARNING = ("learning", N_("Outcomes: learning"))
ROUNDS_SHOWN = 4  # the latest rounds in the table
TOPICS = {"skills": N_("skills"), "confidence": N_("confidence"), "time": N_("time"), "strategy": N_("strategy")}


@dataclass
class LearningView:
    intro: str
    head: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    texts: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (question, round, texts)
    note: str = ""


def round_label(w: Words, round_: str, every: int) -> str:
    """A round as people say it: its first month, or "April to June 2025"."""
    if every == 1:
        return w.month(round_)
    y, m = map(int, round_.split("-"))
    last = (y * 12 + m - 1) + every - 1
    return w._("%(first)s to %(last)s", first=w.month(round_), last=w.month(f"{last // 12:04d}-{last % 12 + 1:02d}"))


def _mean(w: Words, v: float | None) -> str:
    return "–" if v is None else f"{v:.1f}"


def view(w: Words, learning: dict[str, Any]) -> LearningView:
    """What the section says: an introduction, a table (item, topic, the latest rounds' mean
    score with how many answered, the change over the people who answered both of the last
    two rounds) and the free-text answers of rounds with enough people."""
    _ = w._
    if not learning.get("rounds"):
        return LearningView(_("No learning survey answers yet: each person answers with `smi survey --person NAME`."))
    every, k = learning["every_months"], learning["min_group"]
    rounds = [r["round"] for r in learning["rounds"]][-ROUNDS_SHOWN:]
    people = {r["round"]: r["people"] for r in learning["rounds"]}
    intro = _("How the team's skills, confidence, time and strategy move, from the learning survey each person answers every %(every)s months: %(rounds)s rounds so far, %(people)s people in the latest. Scores are means (higher is better); a figure resting on fewer than %(k)s people is not shown, and no answer is shown with a name.",
              every=w.num(every), rounds=w.num(len(learning["rounds"])), people=w.num(people[rounds[-1]]), k=w.num(k))
    head = [_("Item"), _("Topic"), *(round_label(w, r, every) for r in rounds), _("Change")]
    rows = []
    texts = []
    for item in learning["items"]:
        question = item["cy"] if w.lang == "cy" else item["en"]
        if item["kind"] == "text":
            for t in item["texts"]:
                if t["round"] in rounds and t["texts"]:
                    texts.append((question, round_label(w, t["round"], every), t["texts"]))
            continue
        by_round = {r["round"]: r for r in item["rounds"]}
        cells = []
        for rd in rounds:
            r = by_round.get(rd)
            if r is None or not r["n"]:
                cells.append("–")
            elif not r["shown"]:
                cells.append(_("fewer than %(k)s", k=w.num(k)))
            else:
                cells.append(_("%(mean)s of %(max)s (%(n)s people)", mean=_mean(w, r["mean"]), max=w.num(item["max"]),
                               n=w.num(r["n"])))
        c = item.get("change")
        if c is None:
            change = "–"
        elif not c["shown"]:
            change = _("fewer than %(k)s answered both rounds", k=w.num(k))
        else:
            change = _("%(change)s: %(higher)s of %(n)s people higher, %(same)s the same, %(lower)s lower",
                       change=f"{c['mean_change']:+.1f}", higher=w.num(c["higher"]), n=w.num(c["n"]),
                       same=w.num(c["same"]), lower=w.num(c["lower"]))
        rows.append([question, _(TOPICS[item["topic"]]), *cells, change])
    note = _("Change: the mean change in score of the people who answered the item in both of its last two rounds.")
    return LearningView(intro, head, rows, texts, note)
