"""Toggl Track's detailed report, exported as CSV (Reports → Detailed → Export → CSV)."""

from __future__ import annotations

from smi.errors import SourceError
from smi.sources._time_logs import TimeLogSource, parse_duration
from smi.sources.base import register
from smi.sources.columns import Column, ColumnMap, Match

COLUMNS = ColumnMap(
    "Toggl Track detailed report",
    [
        Column("user", ("User", "Member", "Username"), required=True),
        Column("email", ("Email",)),
        Column("client", ("Client",)),
        Column("project", ("Project",), required=True),
        Column("task", ("Task",)),
        Column("description", ("Description",)),
        Column("billable", ("Billable",)),
        Column("start_date", ("Start date",), required=True),
        Column("start_time", ("Start time",)),
        Column("end_date", ("End date", "Stop date")),
        Column("end_time", ("End time", "Stop time")),
        Column("duration", ("Duration",), required=True),
        Column("tags", ("Tags",)),
    ],
)


@register
class TogglDetailed(TimeLogSource):
    name = "toggl"
    title = "Toggl Track detailed report (CSV)"
    reads = "Toggl Track detailed report CSV (User/Member, Project, Start date, Duration, …)"
    columns = COLUMNS

    def minutes(self, match: Match, row: list[str], *, file: str, record: str) -> float:
        text = match.get(row, "duration")
        if text is None:
            raise SourceError(file, "the duration is empty", record=record, field="Duration",
                              expected="hh:mm:ss such as 01:30:00", fix="fill in the duration, or delete the row")
        return parse_duration(text, file=file, record=record, field="Duration")
