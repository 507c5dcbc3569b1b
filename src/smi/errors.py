"""Typed errors. Each says what went wrong, where, and what to do next."""

from __future__ import annotations


class SmiError(Exception):
    """Base of every error the library raises on purpose.

    `message` says what is wrong; `fix` says what the user should do about it.
    """

    def __init__(self, message: str, *, fix: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

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
        problem: str,
        *,
        record: str | None = None,
        field: str | None = None,
        expected: str | None = None,
        fix: str | None = None,
    ) -> None:
        where = file
        if record:
            where += f", {record}"
        if field:
            where += f", field '{field}'"
        text = f"{where}: {problem}"
        if expected:
            text += f" (expected {expected})"
        super().__init__(text, fix=fix)
        self.file = file
        self.record = record
        self.field = field
        self.expected = expected


class UnknownFormatError(SourceError):
    """No importer recognises the file."""


class StoreError(SmiError):
    """The DuckDB store cannot be opened or upgraded."""

    def __init__(self, message: str, *, fix: str | None = None, read_only_cause: bool = False) -> None:
        super().__init__(message, fix=fix)
        self.read_only_cause = read_only_cause  # the store's file or folder cannot be written
