"""Zip bounds (issue 14, item 4): member count and expanded total, with the limits lowered so
the zips stay tiny (the ratio bound and damaged members are cases in generate.py)."""

from __future__ import annotations

import io
import zipfile

import pytest

from smi.errors import SourceError
from smi.sources import expand, files
from smi.sources.files import InputFile
from smi.sources.sheets import read_xlsx


def _zip(path, n: int, size: int = 10):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(n):
            z.writestr(f"f{i}.csv", b"a" * size)
    return path


def test_too_many_members(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "ZIP_MAX_MEMBERS", 10)
    assert len(expand([_zip(tmp_path / "ten.zip", 10)])) == 10
    with pytest.raises(SourceError, match=r"eleven.zip: holds 11 files, more than smi reads from a zip \(10\)"):
        expand([_zip(tmp_path / "eleven.zip", 11)])


def test_too_much_expanded(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "ZIP_MAX_TOTAL", 1000)
    assert len(expand([_zip(tmp_path / "ok.zip", 10, 100)])) == 10  # 10 x 100 bytes = the limit
    with pytest.raises(SourceError, match=r"big.zip: expands to 1,001 bytes"):
        expand([_zip(tmp_path / "big.zip", 11, 91)])  # 11 x 91 = 1,001 bytes


def test_an_xlsx_bomb_is_refused_before_openpyxl_expands_it(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (40 << 20))  # 40 MB in ~40 KB
    data = buf.getvalue()
    f = InputFile("page.xlsx", "page.xlsx", len(data), tmp_path, lambda: io.BytesIO(data))
    with pytest.raises(SourceError, match="a zip bomb"):
        read_xlsx(f, data)
