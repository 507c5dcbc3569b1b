"""Meetings: when the team met, who came, and the notes (kept as written)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smi.practice import PracticeError, parse_date
from smi.store import practice as records

if TYPE_CHECKING:
    from smi.workspace import Workspace


@dataclass(frozen=True)
class Meeting:
    meeting_id: int
    held_on: date
    attendees: list[str]
    notes: str | None
    actions: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.meeting_id, "date": self.held_on.isoformat(), "attendees": self.attendees,
                "notes": self.notes, "actions": self.actions}


def split_names(text: str | list[str] | None) -> list[str]:
    """'Ann, Bob' -> ['Ann', 'Bob'] (blank names dropped)."""
    if text is None:
        return []
    parts = text.split(",") if isinstance(text, str) else text
    return [p.strip() for p in parts if p.strip()]


def add_meeting(ws: Workspace, held_on: str | date, attendees: str | list[str] | None = None,
                notes_file: Path | None = None, *, notes: str | None = None) -> Meeting:
    """Record a meeting; its notes from `notes_file` (the CLI) or given as text (the web)."""
    day = parse_date(held_on, "--date")
    if notes_file is not None:
        try:
            notes = Path(notes_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            problem = e.strerror if isinstance(e, OSError) and e.strerror else "cannot be read as UTF-8 text"
            raise PracticeError("--notes", f"{notes_file}: {problem}",
                                fix="give the path of a text file (Markdown or plain text)") from None
    names = split_names(attendees)
    mid = records.add_meeting(ws.store, day, names, notes)
    return Meeting(mid, day, names, notes)


def list_meetings(ws: Workspace) -> list[Meeting]:
    return [Meeting(r["meeting_id"], r["held_on"], list(r["attendees"] or []), r["notes"], r["actions"])
            for r in records.meetings(ws.store)]
