"""The month-to-month loop: meetings, the actions they agree, and experiments judged on data."""

from __future__ import annotations

from datetime import date

from smi.errors import SmiError


class PracticeError(SmiError):
    """A meeting, action or experiment value that cannot be used. Names the field."""

    def __init__(self, field: str, problem: str, *, fix: str | None = None) -> None:
        super().__init__(f"{field}: {problem}", fix=fix)
        self.field = field


def parse_date(text: str | date, field: str) -> date:
    """An ISO date (YYYY-MM-DD), or a PracticeError naming the field."""
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise PracticeError(field, f"'{text}' is not a date", fix="write it as YYYY-MM-DD, e.g. 2025-07-01") from None
