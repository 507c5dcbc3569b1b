"""The learning survey: how the team's skills, confidence, time and strategy grow.

The profile's `[survey]` defines the items (smi.profile.SurveyItem: a scale from `min` to
`max`, higher is better, or free text; each asked in English and Welsh) and how often each
person answers (`every_months`). Time is cut into **rounds** of `every_months` months, counted
from January 2000: with 3, the rounds are the calendar quarters, named by their first month
(2025-04 is April to June 2025). A person answers once a round (`smi survey --person NAME`);
answering again in the same round replaces their answers. A person is **due** when they have
not answered in the current round.

`summary` turns the answers into what the report shows, with no names:

- per item and round: how many people answered (n) and, for a scale item, their mean score;
  a round with fewer than MIN_GROUP people answering the item shows no mean (suppressed);
- per scale item, the **change** from the round before the latest to the latest, over the
  people who answered the item in both rounds (paired): the mean change, and how many
  scored higher, the same, lower; withheld under MIN_GROUP people;
- per text item and round, the texts in alphabetical order (not who wrote them), for rounds
  with at least MIN_GROUP answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from statistics import mean
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from smi.errors import SmiError

if TYPE_CHECKING:
    from smi.profile import Profile, SurveyItem
    from smi.workspace import Workspace

MIN_GROUP = 3  # fewer people than this: no figure is shown for the group


def round_of(day: date, every_months: int) -> str:
    """The round (YYYY-MM of its first month) that holds `day`."""
    index = (day.year - 2000) * 12 + day.month - 1
    start = index // every_months * every_months
    return f"{2000 + start // 12:04d}-{start % 12 + 1:02d}"


def next_round(round_: str, every_months: int) -> str:
    y, m = map(int, round_.split("-"))
    index = (y - 2000) * 12 + m - 1 + every_months
    return f"{2000 + index // 12:04d}-{index % 12 + 1:02d}"


def _items(profile: Profile) -> list[SurveyItem]:
    if not profile.survey.items:
        raise SmiError("the profile defines no survey items",
                       fix="add [[survey.items]] (id, topic, kind, en, cy) to workspace.toml; "
                           "the file's comments show an example")
    return profile.survey.items


def person_named(profile: Profile, name: str) -> str:
    for p in profile.people:
        if p.name.casefold() == name.strip().casefold():
            return p.name
    known = ", ".join(p.name for p in profile.people) or "nobody yet"
    raise SmiError(f"'{name}' is not a person in the profile (people: {known})",
                   fix="give a name as workspace.toml lists it, or add the person with `smi people add`")


@dataclass
class Due:
    person: str
    last_round: str | None  # None: never answered
    current_round: str
    due: bool
    next_due: str  # the round (YYYY-MM) from which the next answers are due

    def words(self) -> str:
        if self.due:
            return "due now" + ("" if self.last_round is None else f" (last answered for the round of {self.last_round})")
        return f"answered for this round ({self.last_round}); next due from {self.next_due}"


def due(ws: Workspace, today: date | None = None) -> list[Due]:
    """Each person of the profile and whether the survey is due for them."""
    from smi.store.survey import last_rounds

    profile = ws.profile
    _items(profile)
    every = profile.survey.every_months
    today = today or datetime.now(ZoneInfo(profile.organisation.timezone)).date()
    current = round_of(today, every)
    last = last_rounds(ws.store)
    out = []
    for p in profile.people:
        r = last.get(p.name)
        answered = r is not None and r >= current
        out.append(Due(p.name, r, current, not answered, next_round(current, every) if answered else current))
    return out


def check_answer(item: SurveyItem, raw: str) -> tuple[int | None, str | None]:
    """An answer as typed: (score, text); blank is (None, None), a skipped item. Raises a
    SmiError saying what to type for a scale answer out of range."""
    raw = raw.strip()
    if not raw:
        return None, None
    if item.kind == "text":
        return None, raw
    try:
        score = int(raw)
    except ValueError:
        score = None
    if score is None or not item.min <= score <= item.max:
        raise SmiError(f"'{raw}' is not an answer to '{item.id}'",
                       fix=f"type a whole number from {item.min} to {item.max}, or leave it blank to skip")
    return score, None


def record(ws: Workspace, person: str, answers: dict[str, str], when: datetime | None = None) -> tuple[str, int]:
    """Store a person's answers (item id -> the answer as typed) for the round of `when`
    (default now). Every answer is checked before anything is written. Returns (round, how
    many answers were stored)."""
    from smi.store.survey import write_answers

    profile = ws.profile
    items = {i.id: i for i in _items(profile)}
    name = person_named(profile, person)
    unknown = sorted(set(answers) - set(items))
    if unknown:
        raise SmiError(f"unknown survey item{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}",
                       fix=f"use the items of workspace.toml: {', '.join(items)}")
    rows = []
    for item_id, raw in answers.items():
        score, text = check_answer(items[item_id], raw)
        if score is not None or text is not None:
            rows.append((item_id, score, text))
    if not rows:
        raise SmiError(f"no answers given for {name}: nothing was stored",
                       fix="answer at least one item (a blank answer skips an item)")
    when = when or datetime.now(UTC)
    local = when.astimezone(ZoneInfo(profile.organisation.timezone)).date()
    r = round_of(local, profile.survey.every_months)
    n = write_answers(ws.store, name, r, when, local, rows)
    return r, n


def summary(profile: Profile, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The anonymised summary of answer rows ({person, round, item, score, text}); see the
    module doc. Plain data (for the Month); empty when the profile has no survey items."""
    items = profile.survey.items
    if not items:
        return {}
    rounds = sorted({r["round"] for r in rows})
    people = {rd: len({r["person"] for r in rows if r["round"] == rd}) for rd in rounds}
    out_items = []
    suppressed = 0
    for item in items:
        mine = [r for r in rows if r["item"] == item.id]
        per_round = []
        texts = []
        for rd in rounds:
            got = [r for r in mine if r["round"] == rd]
            n = len(got)
            shown = n >= MIN_GROUP
            if n and not shown:
                suppressed += 1
            entry: dict[str, Any] = {"round": rd, "n": n, "shown": shown}
            if item.kind == "scale":
                scores = [r["score"] for r in got if r["score"] is not None]
                entry["mean"] = round(mean(scores), 3) if shown and scores else None
            elif shown:
                texts.append({"round": rd, "texts": sorted((r["text"] for r in got if r["text"]), key=str.casefold)})
            per_round.append(entry)
        change = None
        answered = [rd for rd in rounds if any(r["round"] == rd for r in mine)]
        if item.kind == "scale" and len(answered) >= 2:
            before, latest = answered[-2], answered[-1]
            a = {r["person"]: r["score"] for r in mine if r["round"] == before and r["score"] is not None}
            b = {r["person"]: r["score"] for r in mine if r["round"] == latest and r["score"] is not None}
            both = sorted(set(a) & set(b))
            change = {"from": before, "to": latest, "n": len(both), "shown": len(both) >= MIN_GROUP}
            if change["shown"]:
                diffs = [b[p] - a[p] for p in both]
                change.update(mean_change=round(mean(diffs), 3), higher=sum(d > 0 for d in diffs),
                              same=sum(d == 0 for d in diffs), lower=sum(d < 0 for d in diffs))
            elif both:
                suppressed += 1
        out_items.append({"id": item.id, "topic": item.topic, "kind": item.kind, "en": item.en, "cy": item.cy,
                          "min": item.min, "max": item.max, "rounds": per_round, "change": change,
                          "texts": texts})
    return {"every_months": profile.survey.every_months, "min_group": MIN_GROUP,
            "rounds": [{"round": rd, "people": people[rd]} for rd in rounds],
            "items": out_items, "suppressed": suppressed}


def learning(ws: Workspace, until: datetime) -> dict[str, Any]:
    """The summary of the answers given before `until` (a UTC instant: the month's end)."""
    from smi.store.survey import answers

    return summary(ws.profile, [r for r in answers(ws.store) if r["answered_at"] < until])
