"""Actions agreed at a meeting (or taken from a report's finding), their owner, due date and
status: open, in progress, done or dropped (the first two are still to do)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from smi.action_rules import STATUSES, UNFINISHED, is_overdue  # noqa: F401  (a leaf the report may import)
from smi.practice import PracticeError, parse_date
from smi.store import practice as records

if TYPE_CHECKING:
    from smi.workspace import Workspace

# what a user may type for each status (the CLI's words, and the stored ones)
STATUS_ALIASES = {"open": "open", "in_progress": "in_progress", "in-progress": "in_progress",
                  "in progress": "in_progress", "started": "in_progress", "done": "done",
                  "dropped": "dropped", "drop": "dropped"}



@dataclass(frozen=True)
class Action:
    action_id: int
    title: str
    owner: str | None
    due: date | None
    status: str
    meeting_id: int | None = None
    finding_id: str | None = None
    created_at: datetime | None = None
    done_at: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.action_id, "title": self.title, "owner": self.owner,
            "due": self.due.isoformat() if self.due else None, "status": self.status,
            "meeting": self.meeting_id, "finding": self.finding_id,
            "done_at": self.done_at.astimezone(UTC).isoformat() if self.done_at else None,
        }


def _from_row(r: dict[str, Any]) -> Action:
    return Action(r["action_id"], r["title"], r["owner"], r["due"], r["status"], r["meeting_id"],
                  r["finding_id"], r["created_at"], r["done_at"])


def resolve_owner(ws: Workspace, owner: str | None) -> tuple[str | None, list[str]]:
    """The owner as the profile spells the person's name, and warnings (not in the profile)."""
    if owner is None or not owner.strip():
        return None, []
    name = owner.strip()
    people = [p.name for p in ws.profile.people]
    for p in people:
        if p.casefold() == name.casefold():
            return p, []
    known = ", ".join(people) if people else "none yet"
    return name, [f"--owner: '{name}' is not a person in {ws.profile_file.path.name} (people: {known}); "
                  f"add them with `smi people add \"{name}\"`"]


def add_action(
    ws: Workspace, title: str, *, owner: str | None = None, due: str | date | None = None,
    meeting_id: int | None = None, finding_id: str | None = None,
) -> tuple[Action, list[str]]:
    """Record an action. Returns it and warnings (an owner the profile does not know)."""
    title = title.strip()
    if not title:
        raise PracticeError("title", "is empty", fix='say what is to be done, e.g. "Reply to Facebook questions daily"')
    due_day = parse_date(due, "--due") if due is not None else None
    if meeting_id is not None and not records.meeting_exists(ws.store, meeting_id):
        raise PracticeError("--meeting", f"there is no meeting {meeting_id}",
                            fix="see `smi meeting list` for meeting ids, or add it with `smi meeting add`")
    if finding_id is not None:
        given = finding_id.strip().lower()
        ids = records.finding_ids(ws.store, given) if len(given) >= 4 else []
        if not ids:
            raise PracticeError(
                "--from-finding", f"there is no finding '{given}' in this workspace's reports",
                fix="write the month's report first (`smi report --month YYYY-MM`) and copy the finding's "
                    "id from it (the 6 characters beside its title)",
            )
        if len(ids) > 1:
            raise PracticeError("--from-finding", f"'{given}' starts {len(ids)} findings' ids: {', '.join(ids)}",
                                fix="give more characters of the id")
        finding_id = ids[0]
    who, warnings = resolve_owner(ws, owner)
    now = datetime.now(UTC)
    aid = records.add_action(ws.store, title=title, owner=who, due=due_day, meeting_id=meeting_id,
                             finding_id=finding_id, created_at=now)
    return Action(aid, title, who, due_day, "open", meeting_id, finding_id, now), warnings


def complete_action(ws: Workspace, action_id: int) -> tuple[Action, bool]:
    """Mark an action done. Returns it and whether it was open until now."""
    row = records.action(ws.store, action_id)
    if row is None:
        raise PracticeError("ID", f"there is no action {action_id}", fix="see `smi action list` for action ids")
    if row["status"] == "done":
        return _from_row(row), False
    records.set_action_done(ws.store, action_id, datetime.now(UTC))
    return _from_row(records.action(ws.store, action_id) or row), True


def parse_status(text: str, field: str = "STATUS") -> str:
    """A status as stored (open, in_progress, done, dropped) from what a user typed."""
    status = STATUS_ALIASES.get(str(text).strip().lower())
    if status is None:
        raise PracticeError(field, f"'{text}' is not an action status",
                            fix="use one of: open, in-progress, done, dropped")
    return status


def set_action_status(ws: Workspace, action_id: int, status: str) -> tuple[Action, str]:
    """Set an action's status (open, in progress, done, dropped; see parse_status). Returns the
    action as it is now and the status it had before. Done records when; any other status
    clears it."""
    status = parse_status(status)
    row = records.action(ws.store, action_id)
    if row is None:
        raise PracticeError("ID", f"there is no action {action_id}", fix="see `smi action list` for action ids")
    before = row["status"]
    if before != status:
        records.set_action_status(ws.store, action_id, status, datetime.now(UTC) if status == "done" else None)
    return _from_row(records.action(ws.store, action_id) or row), before


def list_actions(ws: Workspace, *, open_only: bool = False) -> list[Action]:
    """Actions by due date (none last), then id; with `open_only`, those still to do (open or
    in progress)."""
    return [_from_row(r) for r in records.actions(ws.store, open_only=open_only)]
