"""Typed errors. Each says what went wrong, where, and what to do next.

The message and the fix may be given as messages (smi.messages: a msgid and its parameters):
`message`/`fix` are then the English text (what the CLI prints) and `said`/`fix_said` the
messages, which the web app and the report say in the reader's language. Text given as a
plain string is English only (`said` holds it as English, so a page marks it lang="en").
"""

from __future__ import annotations

import re
from typing import Any


class SmiError(Exception):
    """Base of every error the library raises on purpose.

    `message` says what is wrong; `fix` says what the user should do about it.
    """

    def __init__(self, message: Any, *, fix: Any = None) -> None:
        from smi.messages import en_p, english, is_message

        self.said: Any = message if is_message(message) else en_p(message)
        self.fix_said: Any = None if fix is None else fix if is_message(fix) else en_p(fix)
        message = english(message) if is_message(message) else message
        fix = english(fix) if is_message(fix) else fix
        super().__init__(message)
        self.message: str = message
        self.fix: str | None = fix

    def __str__(self) -> str:
        return self.message if not self.fix else f"{self.message}\n  fix: {self.fix}"


class WorkspaceError(SmiError):
    """The workspace folder is missing, incomplete or cannot be created."""


class ProfileError(SmiError):
    """workspace.toml has a value that cannot be used."""

    def __init__(self, path: str, field: str, problem: str, *, fix: str | None = None) -> None:
        super().__init__(f"{path}: {field}: {problem}", fix=fix)
        self.path = path
        self.field = field


class SourceError(SmiError):
    """An input file cannot be read. Names the file, the record or line, and the field."""

    def __init__(
        self,
        file: str,
        problem: Any,
        *,
        record: Any = None,
        field: str | None = None,
        expected: Any = None,
        fix: Any = None,
    ) -> None:
        from smi.messages import M

        rec = record_message(record) if record else None
        if rec and field:
            where = M("%(file)s, %(record)s, field '%(field)s'", file=file, record=rec, field=field)
        elif rec:
            where = M("%(file)s, %(record)s", file=file, record=rec)
        elif field:
            where = M("%(file)s, field '%(field)s'", file=file, field=field)
        else:
            where = M("%(file)s", file=file)
        problem = _said(problem)
        if expected:
            said = M("%(where)s: %(problem)s (expected %(expected)s)", where=where, problem=problem,
                     expected=_said(expected))
        else:
            said = M("%(where)s: %(problem)s", where=where, problem=problem)
        super().__init__(said, fix=fix)
        self.file = file
        self.record = record
        self.field = field
        self.expected = expected


def _said(text: Any) -> Any:
    from smi.messages import en_p, is_message

    return text if is_message(text) else en_p(str(text))


_LINE = re.compile(r"(line|row|record) ([\d,]+)( \(header\))?")


def record_message(record: Any) -> Any:
    """Where in a file, as a message: "line 1,234", "row 5", "record 12", "line 1 (header)" are
    said in the reader's language; anything else stays English."""
    from smi.messages import M, en_p, is_message

    if is_message(record):
        return record
    m = _LINE.fullmatch(str(record))
    if m is None:
        return en_p(str(record))
    n = m.group(2)  # as written ("1,234" or "1234"): the English stays as it was
    if m.group(3):
        return M("line %(n)s (header)", n=n)
    return {"line": M("line %(n)s", n=n), "row": M("row %(n)s", n=n), "record": M("record %(n)s", n=n)}[m.group(1)]


class UnknownFormatError(SourceError):
    """No importer recognises the file."""


class StoreError(SmiError):
    """The DuckDB store cannot be opened or upgraded."""

    def __init__(self, message: str, *, fix: str | None = None, read_only_cause: bool = False) -> None:
        super().__init__(message, fix=fix)
        self.read_only_cause = read_only_cause  # the store's file or folder cannot be written
