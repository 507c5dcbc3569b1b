"""`smi forget` gaps (issue 14): a redacted CSV copy in archive/ keeps its numbers (only the
person's text and handles are redacted), and a goal's KPI that filters on the forgotten
account does not keep their handle in workspace.toml."""

from __future__ import annotations

import csv
import io

from .test_hostile import _clean, gen, smi

HEADER = ["platform", "post_id", "account", "published_at", "text", "impressions", "reactions", "observed_at"]
# X allows a handle of digits only: @12. Hand-made rows: the forgotten account is named in
# row 2's text; 12 is also row 1's impressions and row 2's reactions (counts, not them).
ROWS = [["x", "p-1", "ourtheatre", "2026-07-01T10:00:00Z", "plain post", "12", "3", "2026-08-01T00:00:00Z"],
        ["x", "p-2", "ourtheatre", "2026-07-02T10:00:00Z", "thanks @12 for coming", "40", "12",
         "2026-08-01T00:00:00Z"]]


def _archived_csv(ws):  # type: ignore[no-untyped-def]
    [path] = [p for p in (ws / "archive").rglob("*-posts.csv")]
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_redacted_csv_copy_keeps_its_numbers(tmp_path):
    ws = tmp_path / "ws"
    assert smi("init", ws, "--name", "Org", "--timezone", "UTC").exit_code == 0
    src = gen._csv(tmp_path / "in" / "posts.csv", HEADER, ROWS)
    assert smi("import", "--no-enrich", "-w", ws, src).exit_code == 0
    r = smi("forget", "x:@12", "-w", ws, "--yes")
    _clean(r)
    assert r.exit_code == 0, r.output
    # by hand: only the text cell naming @12 changes; both 12s are counts and stay
    assert _archived_csv(ws) == [HEADER, ROWS[0], [*ROWS[1][:4], "thanks @[forgotten] for coming", *ROWS[1][5:]]]
    # and the copy imports again with the same numbers (3 + 12 reactions, 12 + 40 impressions)
    again = tmp_path / "again"
    assert smi("init", again, "--name", "Org", "--timezone", "UTC").exit_code == 0
    [copy] = [p for p in (ws / "archive").rglob("*-posts.csv")]
    r = smi("import", "--no-enrich", "-w", again, copy)
    assert r.exit_code == 0, r.output
    from smi.workspace import Workspace

    with Workspace.open(again) as w:
        assert w.store.rows("SELECT sum(impressions) AS i, sum(reactions) AS r FROM post_metrics") == [
            {"i": 52, "r": 15}]


def test_a_kpi_filtered_on_the_forgotten_account_goes_with_them(tmp_path):
    ws = tmp_path / "ws"
    assert smi("init", ws, "--name", "Org", "--timezone", "UTC").exit_code == 0
    with (ws / "workspace.toml").open("a", encoding="utf-8") as f:
        f.write('\n[[goals]]\nname = "Reach"\naccounts = "all"\n\n'
                '[[goals.kpis]]\nmetric = "posts"\ntarget = 4\nfilter = { account = "x:annj" }\n\n'
                '[[goals.kpis]]\nmetric = "posts"\ntarget = 9\nfilter = { platform = "x" }\n')
    src = gen._csv(tmp_path / "in" / "posts.csv", HEADER, [[*ROWS[0][:2], "annj", *ROWS[0][3:]], ROWS[1]])
    assert smi("import", "--no-enrich", "-w", ws, src).exit_code == 0
    r = smi("forget", "x:@annj", "-w", ws, "--yes")
    assert r.exit_code == 0, r.output
    toml = (ws / "workspace.toml").read_text(encoding="utf-8")
    assert "annj" not in toml
    # the goal and its other KPI stay
    assert 'name = "Reach"' in toml and "target = 9" in toml and "target = 4" not in toml
    r = smi("goals", "-w", ws, "--month", "2026-07")
    _clean(r)
    assert r.exit_code == 0, r.output


FB_HEADER = ["Post ID", "Page ID", "Page name", "Title", "Description", "Publish time", "Permalink", "Post type",
             "Data comment", "Date", "Views", "Reach", "Reactions", "Comments", "Shares"]
# Hand-made Facebook posts export, saved as Meta saves some: UTF-16 with its byte order mark.
FB_ROWS = [["1168834171933140", "100064197037125", "Our Page", "", "first", "07/01/2026 10:00",
            "https://www.facebook.com/1", "Photos", "", "Lifetime", "100", "80", "12", "1", "0"],
           ["1168834171933141", "100064197037125", "Our Page", "", "thanks @12 for coming", "07/02/2026 10:00",
            "https://www.facebook.com/2", "Photos", "", "Lifetime", "200", "150", "7", "2", "1"]]


def test_a_utf16_meta_copy_is_redacted_too(tmp_path):
    """Before, a UTF-16 copy in archive/ was skipped (only UTF-8 was read), so the person
    stayed in it. Now it is redacted cell by cell and written back as UTF-16 with its mark."""
    ws = tmp_path / "ws"
    assert smi("init", ws, "--name", "Org", "--timezone", "UTC").exit_code == 0
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerows([FB_HEADER, *FB_ROWS])
    src = tmp_path / "in" / "Jul-01-2026_Jul-31-2026_2855862537940540.csv"
    src.parent.mkdir()
    src.write_bytes(b"\xff\xfe" + buf.getvalue().encode("utf-16-le"))
    assert smi("import", "--no-enrich", "-w", ws, src).exit_code == 0
    r = smi("forget", "x:@12", "-w", ws, "--yes")
    _clean(r)
    assert r.exit_code == 0, r.output
    [path] = list((ws / "archive").rglob("*2855862537940540.csv"))
    data = path.read_bytes()
    assert data.startswith(b"\xff\xfe")
    rows = list(csv.reader(io.StringIO(data[2:].decode("utf-16-le"), newline="")))
    # by hand: only the text naming @12 changes; the 12 reactions of the first post stay
    assert rows == [FB_HEADER, FB_ROWS[0], [*FB_ROWS[1][:4], "thanks @[forgotten] for coming", *FB_ROWS[1][5:]]]
