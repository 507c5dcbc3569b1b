"""Re-import never moves data to a placeholder account (issue 14, item 1), on the real X
archive of @RTIatMLA (70 tweets: tests/sources/test_x_archive.py counts them by hand)."""

from __future__ import annotations

import json

from .test_hostile import smi


def _posts(ws):
    import gc

    from smi.store import Store

    gc.collect()
    st = Store(ws / "store.duckdb")
    try:
        return st.rows("SELECT post_key, account_id, url FROM posts ORDER BY post_key")
    finally:
        st.close()


def test_a_lone_tweet_js_keeps_the_posts_on_their_account(real, tmp_path):
    ws = tmp_path / "ws"
    assert smi("init", ws, "--name", "RTI", "--timezone", "UTC").exit_code == 0
    assert smi("import", "--no-enrich", "-w", ws, real("x-archive-rtiatmla", "data")).exit_code == 0
    before = _posts(ws)
    assert len(before) == 70 and {p["account_id"] for p in before} == {"x:rtiatmla"}
    r = smi("import", "--no-enrich", "-w", ws, real("x-archive-rtiatmla", "data", "tweet.js"))
    assert r.exit_code == 0, r.output
    assert "70 posts already held under their account stayed there" in r.output
    assert _posts(ws) == before  # same account, same URLs
    accounts = json.loads(smi("status", "--json", "-w", ws).stdout)["platforms"]["x"]
    assert accounts["posts"] == 70
    assert "unknown-x-account" not in smi("accounts", "list", "-w", ws).output


def test_a_lone_tweet_js_goes_to_the_profiles_only_x_account(real, tmp_path):
    ws = tmp_path / "ws"
    assert smi("init", ws, "--name", "RTI", "--timezone", "UTC").exit_code == 0
    assert smi("accounts", "add", "x:@RTIatMLA", "-w", ws).exit_code == 0
    r = smi("import", "--no-enrich", "-w", ws, real("x-archive-rtiatmla", "data", "tweet.js"))
    assert r.exit_code == 0 and "the profile's only X account" in r.output
    assert {p["account_id"] for p in _posts(ws)} == {"x:rtiatmla"}
