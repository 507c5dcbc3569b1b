"""Initiatives: the shortlist that lives from meeting to meeting.

Each has an owner, impact and effort scores (1 low to 5 high, scored again as the team
learns; every scoring is kept), the findings it answers, the actions and experiments that
carry it out, and a status: open until closed as done or dropped, with what came of it. The board orders open initiatives by impact over
effort (quick wins first), then impact, then age.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from smi.practice import PracticeError
from smi.practice.actions import resolve_owner
from smi.store import initiatives as records
from smi.store import practice as practice_records

if TYPE_CHECKING:
    from smi.workspace import Workspace

SCORES = range(1, 6)
CLOSED = ("done", "dropped")


@dataclass(frozen=True)
class Initiative:
    initiative_id: int
    title: str
    owner: str | None
    impact: int | None
    effort: int | None
    status: str
    findings: tuple[str, ...] = ()
    created_at: datetime | None = None
    closed_at: datetime | None = None
    outcome: str | None = None
    actions: tuple[int, ...] = ()
    experiments: tuple[int, ...] = ()

    @property
    def priority(self) -> float | None:
        """Impact over effort (both 1–5): above 1 is worth more than it costs."""
        if self.impact is None or self.effort is None:
            return None
        return self.impact / self.effort

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.initiative_id, "title": self.title, "owner": self.owner, "impact": self.impact,
            "effort": self.effort, "priority": None if self.priority is None else round(self.priority, 2),
            "status": self.status, "findings": list(self.findings),
            "created_at": self.created_at.astimezone(UTC).isoformat() if self.created_at else None,
            "closed_at": self.closed_at.astimezone(UTC).isoformat() if self.closed_at else None,
            "outcome": self.outcome, "actions": list(self.actions), "experiments": list(self.experiments),
        }


def _from_row(r: dict[str, Any]) -> Initiative:
    return Initiative(r["initiative_id"], r["title"], r["owner"], r["impact"], r["effort"], r["status"],
                      tuple(r["findings"] or ()), r["created_at"], r["closed_at"], r["outcome"],
                      tuple(int(x) for x in r.get("actions") or ()), tuple(int(x) for x in r.get("experiments") or ()))


def _score(value: int | None, field: str) -> int | None:
    if value is None:
        return None
    if value not in SCORES:
        raise PracticeError(field, f"{value} is not a score from 1 to 5",
                            fix=f"give {field} 1 (low) to 5 (high)")
    return int(value)


def _finding(ws: Workspace, given: str) -> str:
    g = given.strip().lower()
    ids = practice_records.finding_ids(ws.store, g) if len(g) >= 4 else []
    if not ids:
        raise PracticeError(
            "--finding", f"there is no finding '{g}' in this workspace's reports",
            fix="write the month's findings first (`smi findings --month YYYY-MM` or `smi report`) and copy "
                "the finding's id (the 6 characters beside its title)")
    if len(ids) > 1:
        raise PracticeError("--finding", f"'{g}' starts {len(ids)} findings' ids: {', '.join(ids)}",
                            fix="give more characters of the id")
    return ids[0]


def _ids(ws: Workspace, table: str, given: list[int] | None) -> list[int]:
    """Action or experiment ids as given, each checked to exist (in order, once each)."""
    ids = list(dict.fromkeys(int(x) for x in given or []))
    missing = sorted(set(ids) - records.existing_ids(ws.store, table, ids))
    if missing:
        what = table[:-1]
        raise PracticeError(f"--{what}", f"there is no {what} {', '.join(map(str, missing))}",
                            fix=f"see `smi {what} list` for {what} ids")
    return ids


def _get(ws: Workspace, initiative_id: int) -> dict[str, Any]:
    row = records.initiative(ws.store, initiative_id)
    if row is None:
        raise PracticeError("ID", f"there is no initiative {initiative_id}",
                            fix="see `smi initiative list --all` for initiative ids")
    return row


def add_initiative(ws: Workspace, title: str, *, owner: str | None = None, impact: int | None = None,
                   effort: int | None = None, findings: list[str] | None = None, actions: list[int] | None = None,
                   experiments: list[int] | None = None, at: datetime | None = None) -> tuple[Initiative, list[str]]:
    """Put an initiative on the shortlist (`at`: when it was agreed; default now). Returns it
    and warnings (an owner the profile does not know)."""
    title = title.strip()
    if not title:
        raise PracticeError("title", "is empty", fix='say what the initiative is, e.g. "Monthly partner spotlight"')
    imp, eff = _score(impact, "--impact"), _score(effort, "--effort")
    if (imp is None) != (eff is None):
        raise PracticeError("--impact/--effort", "only one of the two is given",
                            fix="score both, or neither (and score later with `smi initiative score`)")
    linked = list(dict.fromkeys(_finding(ws, f) for f in findings or []))
    acts, exps = _ids(ws, "actions", actions), _ids(ws, "experiments", experiments)
    who, warnings = resolve_owner(ws, owner)
    now = at or datetime.now(UTC)
    iid = records.add_initiative(ws.store, title=title, owner=who, impact=imp, effort=eff, findings=linked,
                                 created_at=now, actions=acts, experiments=exps)
    return _from_row(_get(ws, iid)), warnings


def link_initiative(ws: Workspace, initiative_id: int, *, findings: list[str] | None = None,
                    actions: list[int] | None = None, experiments: list[int] | None = None) -> Initiative:
    """Link more findings, actions and experiments to an initiative (those linked stay)."""
    row = _get(ws, initiative_id)
    have = _from_row(row)
    new_f = [_finding(ws, f) for f in findings or []]
    new_a, new_e = _ids(ws, "actions", actions), _ids(ws, "experiments", experiments)
    records.link_initiative(ws.store, initiative_id, findings=list(dict.fromkeys([*have.findings, *new_f])),
                            actions=list(dict.fromkeys([*have.actions, *new_a])),
                            experiments=list(dict.fromkeys([*have.experiments, *new_e])))
    return _from_row(_get(ws, initiative_id))


def score_initiative(ws: Workspace, initiative_id: int, *, impact: int, effort: int,
                     note: str | None = None, at: datetime | None = None) -> tuple[Initiative, tuple[int | None, int | None]]:
    """Score an initiative again. Returns it and its scores before."""
    row = _get(ws, initiative_id)
    imp, eff = _score(impact, "--impact"), _score(effort, "--effort")
    if row["status"] != "open":
        raise PracticeError("ID", f"initiative {initiative_id} is closed ({row['status']})",
                            fix="add it again with `smi initiative add` if it is back on the list")
    records.score_initiative(ws.store, initiative_id, imp, eff, note, at or datetime.now(UTC))  # type: ignore[arg-type]
    return _from_row(_get(ws, initiative_id)), (row["impact"], row["effort"])


def close_initiative(ws: Workspace, initiative_id: int, *, status: str = "done",
                     outcome: str | None = None, at: datetime | None = None) -> tuple[Initiative, bool]:
    """Close an initiative as done or dropped. Returns it and whether it was open until now."""
    if status not in CLOSED:
        raise PracticeError("--as", f"'{status}' is not a way to close an initiative", fix="use done or dropped")
    row = _get(ws, initiative_id)
    if row["status"] != "open":
        return _from_row(row), False
    records.close_initiative(ws.store, initiative_id, status, (outcome or "").strip() or None, at or datetime.now(UTC))
    return _from_row(_get(ws, initiative_id)), True


def board(ws: Workspace, *, everything: bool = False) -> list[Initiative]:
    """Open initiatives by impact over effort (unscored last), then impact, then id; with
    `everything`, the closed ones after them, newest closed first."""
    items = [_from_row(r) for r in records.initiatives(ws.store, open_only=not everything)]
    opened = sorted((i for i in items if i.status == "open"),
                    key=lambda i: (i.priority is None, -(i.priority or 0), -(i.impact or 0), i.initiative_id))
    closed = sorted((i for i in items if i.status != "open"),
                    key=lambda i: (-(i.closed_at.timestamp() if i.closed_at else 0), i.initiative_id))
    return opened + closed


def history(ws: Workspace, initiative_id: int) -> list[dict[str, Any]]:
    """Every scoring of an initiative, oldest first."""
    _get(ws, initiative_id)
    return records.scores(ws.store, initiative_id)


def board_at(ws: Workspace, until: datetime) -> list[Initiative]:
    """The board as it stood just before `until` (a UTC instant, e.g. the end of a month):
    the initiatives added by then, open unless closed by then, with the scores they had then;
    ordered as `board`."""
    out = []
    for r in records.initiatives(ws.store):
        i = _from_row(r)
        if i.created_at is None or i.created_at >= until:
            continue
        was = [h for h in records.scores(ws.store, i.initiative_id) if h["scored_at"] < until]
        impact, effort = (was[-1]["impact"], was[-1]["effort"]) if was else (None, None)
        closed = i.closed_at is not None and i.closed_at < until
        out.append(replace(i, impact=impact, effort=effort, status=i.status if closed else "open",
                           closed_at=i.closed_at if closed else None, outcome=i.outcome if closed else None))
    opened = sorted((i for i in out if i.status == "open"),
                    key=lambda i: (i.priority is None, -(i.priority or 0), -(i.impact or 0), i.initiative_id))
    return opened


@dataclass(frozen=True)
class Moves:
    """What moved on the board from `since` to `until`: initiatives added, scored again,
    closed, and the actions linked to an initiative that were done."""

    since: datetime
    added: list[Initiative]
    rescored: list[tuple[Initiative, tuple[int, int], tuple[int, int]]]  # (it, before, now)
    closed: list[Initiative]
    until: datetime | None = None
    actions_done: list[tuple[Initiative, dict[str, Any]]] = field(default_factory=list)  # (it, action row)

    def summary(self) -> str:
        parts = [f"{len(self.added):,} added", f"{len(self.rescored):,} scored again", f"{len(self.closed):,} closed"]
        if self.actions_done:
            parts.append(f"{len(self.actions_done):,} linked action{'s' if len(self.actions_done) != 1 else ''} done")
        lines = [f"since {self.since.date().isoformat()}: " + ", ".join(parts)]
        for i, (bi, be), (ni, ne) in self.rescored:
            lines.append(f"  {i.title}: first scored, impact {ni}, effort {ne}" if bi is None
                         else f"  {i.title}: impact {bi} -> {ni}, effort {be} -> {ne}")
        for i in self.closed:
            lines.append(f"  {i.title}: {i.status}" + (f" ({i.outcome})" if i.outcome else ""))
        for i, a in self.actions_done:
            lines.append(f"  {i.title}: action {a['action_id']} done ({a['title']})")
        return "\n".join(lines)


def moves_since(ws: Workspace, since: datetime, until: datetime | None = None) -> Moves:
    """Initiatives added, scored again (the score before `since` against the latest before
    `until`), closed, and their linked actions done, at or after `since` and before `until`
    (UTC instants, e.g. the start of the last meeting's day and the end of the month; no
    `until`: up to now)."""
    def within(t: datetime | None) -> bool:
        return t is not None and t >= since and (until is None or t < until)

    items = [_from_row(r) for r in records.initiatives(ws.store)]
    if until is not None:
        items = [i for i in items if i.created_at is not None and i.created_at < until]
    added = [i for i in items if within(i.created_at)]
    closed = [i for i in items if within(i.closed_at)]
    rescored = []
    for i in items:
        if i in added:
            continue
        hist = [h for h in records.scores(ws.store, i.initiative_id) if until is None or h["scored_at"] < until]
        before = [h for h in hist if h["scored_at"] < since]
        after = [h for h in hist if h["scored_at"] >= since]
        if before and after:
            b, a = before[-1], after[-1]
            if (b["impact"], b["effort"]) != (a["impact"], a["effort"]):
                rescored.append((i, (b["impact"], b["effort"]), (a["impact"], a["effort"])))
        elif after and not before:  # first scored since
            a = after[-1]
            rescored.append((i, (None, None), (a["impact"], a["effort"])))  # type: ignore[arg-type]
    done = []
    if any(i.actions for i in items):
        rows = {a["action_id"]: a for a in practice_records.actions(ws.store)}
        for i in items:
            for aid in i.actions:
                a = rows.get(aid)
                if a is not None and a["status"] == "done" and within(a["done_at"]):
                    done.append((i, a))
    return Moves(since, added, rescored, closed, until, done)
