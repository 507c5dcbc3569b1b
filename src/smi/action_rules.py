"""What an action's status means, in a module that imports nothing of smi: the report renders
a Month without loading the store, and the meeting room and the report must use one rule."""

from __future__ import annotations

from datetime import date

STATUSES = ("open", "in_progress", "done", "dropped")
UNFINISHED = ("open", "in_progress")  # still to do: on the agenda, in "actions due"


def is_overdue(status: str | None, due: date | str | None, as_of: date | str) -> bool:
    """Overdue at the end of the day `as_of` (a report: its month's last day; the meeting room:
    yesterday, the last whole day): still to do (open or in progress) and due on or before
    that day. An action due on 30 November and open when November ends is overdue in
    November's report. The one rule the report and the web app use."""
    if status not in UNFINISHED or not due:
        return False
    return str(due)[:10] <= str(as_of)[:10]  # ISO dates compare as text
