"""YouTube Studio's reader streams (issue 14, "streaming so memory stays flat"): it held the
whole file, bytes and decoded text (742 MB peak on the 100 MB bomb of test_memory.py). Now
it reads 1 MB at a time and refuses a line longer than any Studio row before holding it.

Memory is Python's own allocations (tracemalloc) while the file is read as `smi import`
reads it; the file is 40 MB, so a reader that holds it whole (its bytes, then its text)
passes 80 MB, and a streaming one stays near twice its 4-million-character line bound."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from smi.errors import SmiError
from smi.sources.columns import MAX_LINE

from .test_fuzz import read_like_import

HEADER = "Content,Video title,Video publish time,Views,Likes,Comments added,Shares\n"


def _studio(folder: Path, rows: list[str]) -> list[str]:
    folder.mkdir(parents=True)
    (folder / "Table data.csv").write_text(HEADER + "Total,,,120,7,2,1\n" + "".join(rows), encoding="utf-8")
    (folder / "Totals.csv").write_text("Date,Views\n2026-07-01,3\n2026-07-02,2\n", encoding="utf-8")
    return [str(folder), "--account", "youtube:@us"]


def _peak_mb(args: list[str]) -> tuple[float, BaseException | int]:
    tracemalloc.start()
    try:
        got: BaseException | int = read_like_import(args)
    except SmiError as e:
        got = e
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20, got


def test_a_40_mb_line_is_refused_without_holding_the_file(tmp_path):
    mb = ("word " * 209_716)[: 1 << 20]
    args = _studio(tmp_path / "yt", [])
    with (tmp_path / "yt" / "Table data.csv").open("a") as f:  # the bomb's shape: one quoted title of 40 MB
        f.write('abc123DEF45,"')
        for _ in range(40):
            f.write(mb)
        f.write('","Jul 2, 2026",120,7,2,1\n')
    assert (tmp_path / "yt" / "Table data.csv").stat().st_size > 40 << 20
    peak, got = _peak_mb(args)
    assert isinstance(got, SmiError), got
    assert peak < 20, f"{peak:.0f} MB held while reading a 40 MB file"
    assert "has a line longer than 4 million characters" in got.message and got.record == "line 3", got
    assert MAX_LINE == 4 << 20


def test_a_long_cell_over_many_lines_is_refused_by_the_cell_limit(tmp_path):
    # 2,000 lines of 100 characters inside one quoted title: 202,000 characters, each line short
    title = "\n".join(["x" * 100] * 2000)
    args = _studio(tmp_path / "yt", [f'abc123DEF45,"{title}","Jul 2, 2026",120,7,2,1\n'])
    with pytest.raises(SmiError) as e:
        read_like_import(args)
    assert "a cell longer than 131,072 characters" in e.value.message


def test_a_file_read_in_pieces_gives_every_row(tmp_path):
    # 30,000 videos (~1.6 MB: pieces of 1 MB split rows), one title with a quoted comma and a
    # line break, the file with a UTF-8 BOM as Excel saves it: 30,000 posts and 30,000
    # snapshots, one account, two audience days (Totals.csv gives no gained/lost: none) -> 60,001
    rows = [f"v{i:07d},\"Title {i}, part\nnext\",\"Jul 2, 2026\",{i},1,0,0\n" for i in range(30_000)]
    args = _studio(tmp_path / "yt", rows)
    table = tmp_path / "yt" / "Table data.csv"
    table.write_bytes(b"\xef\xbb\xbf" + table.read_bytes())
    assert read_like_import(args) == 60_001


def test_a_tiktok_file_over_the_whole_file_cap_is_called_a_tiktok_export(tmp_path):
    """The TikTok reader shares the Meta one's whole-file read: a 65 MB Content.csv was refused
    as "more than a Meta export ever is" (found measuring the bombs, issue 14 item 9)."""
    from .test_hostile import gen

    seed = next(s for s in gen.SEEDS if s.name == "tiktok-content")
    path, args = gen._write(seed, tmp_path / "tt", text="BOMBTEXTMARK")
    head, _, tail = path.read_bytes().partition(b"BOMBTEXTMARK")
    with path.open("wb") as f:
        f.write(head)
        for _ in range(65):
            f.write(b"word " * 209_715 + b"w")
        f.write(tail)
    with pytest.raises(SmiError) as e:
        read_like_import(args)
    assert "more than a TikTok Studio export ever is" in e.value.message, e.value.message
