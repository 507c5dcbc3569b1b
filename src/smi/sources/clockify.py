"""Clockify's detailed report, exported as CSV (Reports → Detailed → Export → Save as CSV)."""

from __future__ import annotations

from smi.errors import SourceError
from smi.sources._time_logs import TimeLogSource, parse_duration
from smi.sources.base import register
from smi.sources.columns import Column, ColumnMap, Match

COLUMNS = ColumnMap(
    "Clockify detailed report",
    [
        Column("project", ("Project",), required=True),
        Column("client", ("Client",)),
        Column("description", ("Description",)),
        Column("task", ("Task",)),
        Column("user", ("User",), required=True),
        Column("group", ("Group",)),
        Column("email", ("Email",)),
        Column("tags", ("Tags",)),
        Column("billable", ("Billable",)),
        Column("start_date", ("Start Date",), required=True),
        Column("start_time", ("Start Time",)),
        Column("end_date", ("End Date",)),
        Column("end_time", ("End Time",)),
        Column("duration_h", ("Duration (h)",), required=True),
        Column("duration_decimal", ("Duration (decimal)",)),
    ],
)


@register
class ClockifyDetailed(TimeLogSource):
    name = "clockify"
    title = "Clockify detailed report (CSV)"
    reads = "Clockify detailed report CSV (Project, User, Start Date, Duration (h), …)"
    columns = COLUMNS

    def minutes(self, match: Match, row: list[str], *, file: str, record: str) -> float:
        for key, label in (("duration_h", "Duration (h)"), ("duration_decimal", "Duration (decimal)")):
            text = match.get(row, key)
            if text is not None:
                return parse_duration(text, file=file, record=record, field=label)
        raise SourceError(file, "the duration is empty", record=record, field="Duration (h)",
                          expected="hh:mm:ss such as 01:30:00", fix="fill in the duration, or delete the row")
