"""Spreadsheet-shaped exports read the same way: .xls (BIFF8), .xlsx and .csv as sheets of
text rows, so a source's `ColumnMap` reads each alike.

Cells become text as a person would type them: whole numbers without `.0`, dates as ISO
`YYYY-MM-DD` (with the time when it is not midnight), blanks as "". Not a source itself.
"""

from __future__ import annotations

import contextlib
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from smi.errors import SourceError
from smi.sources.columns import csv_problem
from smi.sources.files import InputFile, check_zip_bounds

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and other Office 97 files)
ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class Sheet:
    name: str  # the sheet's name; "" for a CSV file
    rows: list[list[str]]
    lines: list[int] | None = None  # for CSV: the line each row starts on (quoted cells span lines)

    def where(self, i: int) -> str:
        """How to name row `i` (index into rows) in an error message."""
        if self.lines is not None:
            return f"line {self.lines[i]}"
        return f"sheet '{self.name}', row {i + 1}"


def kind(file: InputFile) -> str | None:
    """'xls', 'xlsx' or 'csv' by content and name; None for anything else."""
    head = file.head()
    low = file.basename.lower()
    if head.startswith(OLE_MAGIC) and low.endswith(".xls"):
        return "xls"
    if head.startswith(ZIP_MAGIC) and low.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    if low.endswith((".csv", ".tsv", ".txt")) and head and b"\x00" not in head[:1024]:
        return "csv"
    return None


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _unreadable(file: InputFile, what: str, err: Exception) -> SourceError:
    return SourceError(
        file.name,
        f"is not a readable {what} workbook ({type(err).__name__}: {err}); it may be cut short or damaged",
        fix="download the export again from the platform",
    )


def read_xls(file: InputFile, data: bytes) -> list[Sheet]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=False, logfile=io.StringIO(), verbosity=0)
    except Exception as e:  # xlrd raises many types on damaged files
        raise _unreadable(file, ".xls", e) from None
    sheets = []
    for sh in book.sheets():
        rows = []
        for r in range(sh.nrows):
            row = []
            for c in sh.row(r):
                if c.ctype == xlrd.XL_CELL_DATE:
                    try:
                        row.append(cell_text(xlrd.xldate.xldate_as_datetime(c.value, book.datemode)))
                    except Exception:
                        row.append(cell_text(c.value))
                elif c.ctype == xlrd.XL_CELL_ERROR:
                    row.append("#ERROR")
                else:
                    row.append(cell_text(c.value))
            rows.append(row)
        sheets.append(Sheet(sh.name, rows))
    return sheets


def read_xlsx(file: InputFile, data: bytes) -> list[Sheet]:
    import openpyxl

    with contextlib.suppress(zipfile.BadZipFile, OSError, ValueError):  # openpyxl says what is wrong
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
        check_zip_bounds(file.name, infos)  # an .xlsx is a zip: refuse a bomb before expanding it
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # zipfile.BadZipFile, KeyError, XML errors...
        raise _unreadable(file, ".xlsx", e) from None
    try:
        return [
            Sheet(ws.title, [[cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)])
            for ws in book.worksheets
        ]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError) as e:
        raise _unreadable(file, ".xlsx", e) from None
    finally:
        book.close()


def decode(file: InputFile, data: bytes) -> str:
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(enc)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise SourceError(file.name, "is not UTF-8 text", record=f"line {line}",
                          expected="a CSV file as the platform exported it",
                          fix="export the file again, or save it as CSV UTF-8") from None


def csv_rows(file: InputFile, text: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for each CSV record; the line is where the record ends."""
    dialect = "excel-tab" if file.basename.lower().endswith(".tsv") else "excel"
    reader = csv.reader(io.StringIO(text, newline=""), dialect=dialect)
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as e:
        raise SourceError(file.name, csv_problem(e), record=f"line {reader.line_num}",
                          fix="export the file again from the platform") from None


def read_csv(file: InputFile, data: bytes) -> list[Sheet]:
    rows, lines, end = [], [], 0
    for line, row in csv_rows(file, decode(file, data)):
        rows.append(row)
        lines.append(end + 1)
        end = line
    return [Sheet("", rows, lines)]


def read_sheets(file: InputFile, data: bytes) -> list[Sheet]:
    """Every sheet of a workbook, or the one 'sheet' of a CSV file."""
    k = kind(file)
    if k == "xls":
        return read_xls(file, data)
    if k == "xlsx":
        return read_xlsx(file, data)
    return read_csv(file, data)


def sheet_names(file: InputFile) -> list[str] | None:
    """The sheet names of a workbook without reading its cells (None: not a workbook)."""
    k = kind(file)
    try:
        if k == "xls":
            import xlrd

            with file.open() as f:
                book = xlrd.open_workbook(file_contents=f.read(), on_demand=True, logfile=io.StringIO(),
                                          verbosity=0)
            try:
                return book.sheet_names()
            finally:
                book.release_resources()
        if k == "xlsx":
            import openpyxl

            with file.open() as f:
                book = openpyxl.load_workbook(io.BytesIO(f.read()), read_only=True)
            try:
                return list(book.sheetnames)
            finally:
                book.close()
    except Exception:  # detection never fails: a damaged workbook is simply not recognised
        return None
    return None


def head_mentions(file: InputFile, names: tuple[str, ...]) -> bool:
    """True if the first bytes hold one of `names` as 8-bit or UTF-16 text: a workbook's sheet
    names sit near its start, so a damaged (e.g. cut short) .xls is still recognised and
    then fails with a message that says what is wrong, rather than being ignored."""
    head = file.head()
    return any(n.encode("latin-1") in head or n.encode("utf-16-le") in head for n in names)
