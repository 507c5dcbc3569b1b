"""`smi import` enriches new rows; `smi enrich` is incremental, idempotent and re-runnable."""

from __future__ import annotations

import duckdb

POSTS = """platform,post_id,account,published_at,kind,text,language
x,1,@theatr,2026-03-02 10:00,original,"Croeso i bawb i'r sioe heno!
Welcome everyone to tonight's show!",
x,2,@theatr,2026-03-03 10:00,original,"We are thrilled to announce a wonderful new season of plays.",
x,3,@theatr,2026-03-04 10:00,original,"Mae tocynnau ar gyfer y panto ar werth nawr.",
x,4,@theatr,2026-03-05 10:00,original,"Mae'r tywydd yn braf heddiw.",en
"""
INTERACTIONS = """platform,interaction_id,kind,post_id,author,from_organisation,created_at,text
x,11,reply,2,@sam,false,2026-03-03 11:00,"What time do the doors open?"
x,12,reply,2,@theatr,true,2026-03-03 11:30,"Doors open at 7, glad you can come!"
x,13,reply,3,@ceri,false,2026-03-04 12:00,"Oes lle i barcio ger y theatr os gwelwch yn dda"
x,14,reply,3,@ceri,false,2026-03-04 12:05,"This was the worst customer service I have ever had."
"""


def _write(tmp_path, posts=POSTS, interactions=INTERACTIONS):
    d = tmp_path / "csv"
    d.mkdir(exist_ok=True)
    (d / "posts.csv").write_text(posts, encoding="utf-8")
    (d / "interactions.csv").write_text(interactions, encoding="utf-8")
    return d


def _rows(ws, sql):
    con = duckdb.connect(str(ws / "store.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_import_enriches(make_ws, cli, tmp_path):
    ws = make_ws()
    result = cli("import", _write(tmp_path), "-w", ws)
    assert "enriched 4 posts and 4 interactions" in result.output
    posts = _rows(ws, "SELECT native_id, language, language_source, sentiment_label FROM posts ORDER BY 1")
    assert posts == [
        ("1", "cy+en", "detected", "unknown"),
        ("2", "en", "detected", "positive"),
        ("3", "cy", "detected", "unknown"),
        # a language the file gives is kept, even when it looks wrong
        ("4", "en", "given", "neutral"),
    ]
    inter = _rows(ws, "SELECT native_id, language, is_question, sentiment_label FROM interactions ORDER BY 1")
    assert inter == [
        ("11", "en", True, "neutral"),
        ("12", "en", None, "positive"),  # the organisation's own reply: not flagged
        ("13", "cy", True, "unknown"),
        ("14", "en", False, "negative"),
    ]


def test_enrich_is_incremental_idempotent_and_rerunnable(make_ws, cli, tmp_path):
    from smi.store import Store

    ws = make_ws()
    cli("import", "--no-enrich", _write(tmp_path), "-w", ws)
    assert _rows(ws, "SELECT count(*) FROM posts WHERE language_source IS NOT NULL") == [(0,)]
    assert "enriched 4 posts and 4 interactions" in cli("enrich", "-w", ws).output

    def snap():
        st = Store(ws / "store.duckdb")
        try:
            return st.snapshot()
        finally:
            st.close()

    before = snap()
    assert "enriched 0 posts and 0 interactions" in cli("enrich", "-w", ws).output
    assert snap() == before
    assert "enriched 4 posts and 4 interactions" in cli("enrich", "--all", "-w", ws).output
    again = snap()
    assert {k: v for k, v in again.items() if k not in ("topics", "keywords")} == {
        k: v for k, v in before.items() if k not in ("topics", "keywords")}

    # A newer export changes one post's text: only that post is enriched again.
    changed = POSTS.replace("Mae tocynnau ar gyfer y panto ar werth nawr.",
                            "Tickets for the panto are on sale now, enjoy!")
    (tmp_path / "v2").mkdir()
    (tmp_path / "v2" / "posts.csv").write_text(changed, encoding="utf-8")
    out = cli("import", tmp_path / "v2" / "posts.csv", "-w", ws).output
    assert "enriched 1 posts and 0 interactions" in out
    assert _rows(ws, "SELECT language, sentiment_label FROM posts WHERE native_id = '3'") == [("en", "positive")]


def test_platform_tag_in_extra_is_evidence_and_enrich_all_relabels(make_ws, cli, tmp_path):
    # A canonical CSV's unknown column `platform_lang` lands in extra, where the X, Bluesky
    # and Mastodon importers keep the platform's own tag. "Diolch yn fawr!" is Welsh, but
    # three words are not enough against a tag of another language; `und` is no evidence.
    posts = """platform,post_id,account,published_at,kind,text,platform_lang
x,1,@theatr,2026-03-02 10:00,original,"Diolch yn fawr!",nl
x,2,@theatr,2026-03-03 10:00,original,"Diolch yn fawr!",und
x,3,@theatr,2026-03-04 10:00,original,"ORD 🛬 DFW",en
x,4,@theatr,2026-03-05 10:00,original,"Mae tocynnau ar gyfer y panto ar werth nawr.",
"""
    ws = make_ws()
    cli("import", _write(tmp_path, posts=posts), "-w", ws)
    got = _rows(ws, "SELECT native_id, language FROM posts ORDER BY 1")
    assert got == [("1", "other"), ("2", "cy"), ("3", None), ("4", "cy")]

    # Labels an older detector wrote (e.g. the six-language one calling Dutch German) are
    # not kept by `smi enrich --all`: every detected row is detected again.
    con = duckdb.connect(str(ws / "store.duckdb"))
    con.execute("UPDATE posts SET language = 'de' WHERE native_id IN ('1', '3')")
    con.close()
    assert "enriched 0 posts" in cli("enrich", "-w", ws).output  # nothing new: kept as is
    assert _rows(ws, "SELECT language FROM posts WHERE native_id = '1'") == [("de",)]
    cli("enrich", "--all", "-w", ws)
    assert _rows(ws, "SELECT native_id, language FROM posts ORDER BY 1") == got
