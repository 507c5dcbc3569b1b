"""An interrupted enrichment resumes (issue 14, "What was found" 9): `smi import` enriched only
when a file was new, so after an import whose enrichment was stopped (Ctrl-C, a kill) the
re-run said "already imported" and its rows stayed without language or sentiment; and the
topics were computed last, so a run stopped after the rows' results had landed never
recomputed those months' topics. Now the re-run enriches what is pending, and the topics
come first (they read only the texts), so a stopped run leaves its rows pending."""

from __future__ import annotations

import duckdb
import pytest

# 30 posts in March 2026 (MIN_DOCUMENTS is 20), on two themes that repeat their words, so
# the month and "all" each get topics.
THEMES = ("panto tickets sale tonight stage", "parking doors theatre cafe open")
POSTS = "platform,post_id,account,published_at,kind,text\n" + "".join(
    f"x,{i},@theatr,2026-03-{1 + i % 28:02d} 10:00,original,\"{THEMES[i % 2]} {THEMES[i % 2].split()[i % 5]} {i}\"\n"
    for i in range(30))


def _rows(ws, sql):  # type: ignore[no-untyped-def]
    import gc

    gc.collect()  # the CLI's connections
    con = duckdb.connect(str(ws / "store.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def posts(tmp_path):
    path = tmp_path / "in" / "posts.csv"
    path.parent.mkdir()
    path.write_text(POSTS, encoding="utf-8")
    return path


ENRICHED = "SELECT count(*) FROM posts WHERE enriched_import_id = import_id AND language IS NOT NULL"
PERIODS = "SELECT DISTINCT scope, period FROM topics ORDER BY 1, 2"


def test_an_import_whose_enrichment_was_stopped_is_enriched_by_the_re_run(make_ws, cli, posts):
    ws = make_ws()
    cli("import", "--no-enrich", "-w", ws, posts)  # the rows landed; the enrichment never ran
    assert _rows(ws, ENRICHED) == [(0,)]
    again = cli("import", "-w", ws, posts)
    assert "already imported" in again.output and "enriched 30 posts" in again.output, again.output
    assert _rows(ws, ENRICHED) == [(30,)]
    assert _rows(ws, PERIODS) == [("posts", "2026-03"), ("posts", "all")]


@pytest.mark.parametrize("where", ["topics", "commit"])
def test_a_run_stopped_anywhere_is_finished_by_the_next(make_ws, cli, posts, monkeypatch, where):
    import smi.enrich
    from smi.store import enrichment

    ws = make_ws()
    clean = make_ws()
    cli("import", "-w", clean, posts)
    expected = _rows(clean, "SELECT scope, period, topic, label FROM topics ORDER BY ALL")
    assert [r[:2] for r in expected if r[2] == 0] == [("posts", "2026-03"), ("posts", "all")]

    def stop(*a, **k):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    if where == "topics":
        monkeypatch.setattr(smi.enrich, "update_topics", stop)
    else:  # the rows' results are being written
        monkeypatch.setattr(enrichment.ResultWriter, "commit", stop)
    assert cli("import", "-w", ws, posts, ok=False).exit_code == 130  # Ctrl-C
    monkeypatch.undo()
    assert _rows(ws, ENRICHED) == [(0,)]  # nothing enriched: the rows are still pending
    cli("import", "-w", ws, posts)  # the next command finishes it
    assert _rows(ws, ENRICHED) == [(30,)]
    assert _rows(ws, "SELECT scope, period, topic, label FROM topics ORDER BY ALL") == expected
