"""Initiatives: the shortlist that lives from meeting to meeting.

Each has an owner, impact and effort scores (1 low to 5 high, scored again as the team
learns; every scoring is kept), the findings it answers, and a status: open until closed as
done or dropped, with what came of it. The board orders open initiatives by impact over
effort (quick wins first), then impact, then age.
"""

from __future__ import annotations

from dataclasses import dataclass
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
            "outcome": self.outcome,
        }


def _from_row(r: dict[str, Any]) -> Initiative:
    return Initiative(r["initiative_id"], r["title"], r["owner"], r["impact"], r["effort"], r["status"],
                      tuple(r["findings"] or ()), r["created_at"], r["closed_at"], r["outcome"])


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


def _get(ws: Workspace, initiative_id: int) -> dict[str, Any]:
    row = records.initiative(ws.store, initiative_id)
    if row is None:
        raise PracticeError("ID", f"there is no initiative {initiative_id}",
                            fix="see `smi initiative list --all` for initiative ids")
    return row


def add_initiative(ws: Workspace, title: str, *, owner: str | None = None, impact: int | None = None,
                   effort: int | None = None, findings: list[str] | None = None) -> tuple[Initiative, list[str]]:
    """Put an initiative on the shortlist. Returns it and warnings (an owner the profile does not know)."""
    title = title.strip()
    if not title:
        raise PracticeError("title", "is empty", fix='say what the initiative is, e.g. "Monthly partner spotlight"')
    imp, eff = _score(impact, "--impact"), _score(effort, "--effort")
    if (imp is None) != (eff is None):
        raise PracticeError("--impact/--effort", "only one of the two is given",
                            fix="score both, or neither (and score later with `smi initiative score`)")
    linked = list(dict.fromkeys(_finding(ws, f) for f in findings or []))
    who, warnings = resolve_owner(ws, owner)
    now = datetime.now(UTC)
    iid = records.add_initiative(ws.store, title=title, owner=who, impact=imp, effort=eff, findings=linked,
                                 created_at=now)
    return _from_row(_get(ws, iid)), warnings


def score_initiative(ws: Workspace, initiative_id: int, *, impact: int, effort: int,
                     note: str | None = None) -> tuple[Initiative, tuple[int | None, int | None]]:
    """Score an initiative again. Returns it and its scores before."""
    row = _get(ws, initiative_id)
    imp, eff = _score(impact, "--impact"), _score(effort, "--effort")
    if row["status"] != "open":
        raise PracticeError("ID", f"initiative {initiative_id} is closed ({row['status']})",
                            fix="add it again with `smi initiative add` if it is back on the list")
    records.score_initiative(ws.store, initiative_id, imp, eff, note, datetime.now(UTC))  # type: ignore[arg-type]
    return _from_row(_get(ws, initiative_id)), (row["impact"], row["effort"])


def close_initiative(ws: Workspace, initiative_id: int, *, status: str = "done",
                     outcome: str | None = None) -> tuple[Initiative, bool]:
    """Close an initiative as done or dropped. Returns it and whether it was open until now."""
    if status not in CLOSED:
        raise PracticeError("--as", f"'{status}' is not a way to close an initiative", fix="use done or dropped")
    row = _get(ws, initiative_id)
    if row["status"] != "open":
        return _from_row(row), False
    records.close_initiative(ws.store, initiative_id, status, (outcome or "").strip() or None, datetime.now(UTC))
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


@dataclass(frozen=True)
class Moves:
    """What moved on the board since a day: initiatives added, scored again, closed."""

    since: datetime
    added: list[Initiative]
    rescored: list[tuple[Initiative, tuple[int, int], tuple[int, int]]]  # (it, before, now)
    closed: list[Initiative]

    def summary(self) -> str:
        parts = [f"{len(self.added):,} added", f"{len(self.rescored):,} scored again", f"{len(self.closed):,} closed"]
        lines = [f"since {self.since.date().isoformat()}: " + ", ".join(parts)]
        for i, (bi, be), (ni, ne) in self.rescored:
            lines.append(f"  {i.title}: first scored, impact {ni}, effort {ne}" if bi is None
                         else f"  {i.title}: impact {bi} -> {ni}, effort {be} -> {ne}")
        for i in self.closed:
            lines.append(f"  {i.title}: {i.status}" + (f" ({i.outcome})" if i.outcome else ""))
        return "\n".join(lines)


def moves_since(ws: Workspace, since: datetime) -> Moves:
    """Initiatives added, scored again (the score before `since` against the latest) and closed
    at or after `since` (a UTC instant, e.g. the start of the last meeting's day)."""
    items = [_from_row(r) for r in records.initiatives(ws.store)]
    added = [i for i in items if i.created_at and i.created_at >= since]
    closed = [i for i in items if i.closed_at and i.closed_at >= since]
    rescored = []
    for i in items:
        if i in added:
            continue
        hist = records.scores(ws.store, i.initiative_id)
        before = [h for h in hist if h["scored_at"] < since]
        after = [h for h in hist if h["scored_at"] >= since]
        if before and after:
            b, a = before[-1], after[-1]
            if (b["impact"], b["effort"]) != (a["impact"], a["effort"]):
                rescored.append((i, (b["impact"], b["effort"]), (a["impact"], a["effort"])))
        elif after and not before:  # first scored since
            a = after[-1]
            rescored.append((i, (None, None), (a["impact"], a["effort"])))  # type: ignore[arg-type]
    return Moves(since, added, rescored, closed)
