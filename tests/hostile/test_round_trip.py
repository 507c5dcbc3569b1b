"""`smi export csv` of a workspace holding Facebook posts imports back (issue 14, item 7): the
exported posts.csv was detected as a Meta export (its columns name Facebook posts) and
refused. Read from the real PC Merchandise Page export."""

from __future__ import annotations

import pytest
from tests.test_export import assert_same_rows, round_trip

FOLDER = "meta-facebook-page-pcmerchandise"


@pytest.mark.shared
def test_exported_facebook_posts_import_back_as_canonical_csv(real, make_ws, cli, status, tmp_path):
    from tests.sources.test_meta import POSTS

    ws = make_ws()
    cli("import", "--no-enrich", "-w", ws, real(FOLDER, POSTS))
    st = status(ws)
    assert st["platforms"]["facebook"]["posts"] > 0
    a, b = round_trip(cli, status, ws, tmp_path)
    assert_same_rows(a, b)
    imported = {r["source"] for r in b.store.imports()}
    assert imported == {"canonical_csv"}, imported


def test_exported_instagram_posts_import_back_as_canonical_csv(make_ws, cli, status, tmp_path):
    from pathlib import Path

    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "meta" / "instagram_posts.csv"
    ws = make_ws()
    first = cli("import", "--no-enrich", "-w", ws, fixture, "--account", "instagram:@ourtheatre")
    assert "(meta_instagram_posts)" in first.output, first.output
    a, b = round_trip(cli, status, ws, tmp_path)
    assert_same_rows(a, b)
    assert {r["source"] for r in b.store.imports()} == {"canonical_csv"}
