"""Language shares against hand calculations on tests/fixtures/metrics_language (UTC, March 2024).

x posts (language as written; the importer lower-cases it), engagements = reactions +
comments + shares:

  L1 cy 10 · L2 cy (no numbers) · L3 en 20 · L4 en-GB 5 · L5 cy+en 40 · L6 blank 15 ·
  L7 und (a quote) 0 · L8 fr 10 · L9 cy reply 100 · L10 en repost (left out everywhere)
facebook: F1 cy+en, no numbers.

Posts (originals and quotes): x L1-L8 = 8: cy 2, en 2 (en-GB is English), cy+en 1,
unknown 2 (blank and und: counted, not dropped), other 1 (fr). facebook: 1, bilingual.
Engagements (reposts excluded, posts with numbers): x 10+20+5+40+15+0+10+100 = 200:
cy 110, en 25, cy+en 40, unknown 15. facebook has none: not available.
"""

from __future__ import annotations

from pathlib import Path

import ibis
import pytest

from smi.importer import run_import
from smi.metrics import Period, get
from smi.metrics.language import BILINGUAL, language_group
from smi.workspace import Workspace

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "metrics_language"
MARCH = Period.month("2024-03", "UTC")


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    w = Workspace.create(tmp_path_factory.mktemp("lang") / "ws", name="Iaith", timezone="UTC")
    report = run_import(w, [FIXTURE])
    assert not report.failed, [str(r.error) for r in report.failed]
    yield w
    w.close()


def values(ws: Workspace, name: str, by: tuple[str, ...] = ()):
    rows = get(name).build(ws.store.ibis(), MARCH, by).to_pyarrow().to_pylist()
    if not by:
        [row] = rows
        return row["value"]
    return {r[by[0]]: r["value"] for r in rows}


def test_shares_of_posts(ws):
    x = {"welsh": 2 / 8, "english": 2 / 8, "bilingual": 1 / 8, "language_unknown": 2 / 8}
    for slug, share in x.items():
        assert values(ws, f"posts_share_{slug}", ("platform",)) == pytest.approx(
            {"x": share, "facebook": 1.0 if slug == "bilingual" else 0.0}), slug
    assert values(ws, "posts_share_bilingual") == pytest.approx(2 / 9)  # L5 and F1 of 9
    assert values(ws, "posts_share_welsh") == pytest.approx(2 / 9)


def test_shares_of_engagements(ws):
    x = {"welsh": 110 / 200, "english": 25 / 200, "bilingual": 40 / 200, "language_unknown": 15 / 200}
    for slug, share in x.items():
        got = values(ws, f"engagements_share_{slug}", ("platform",))
        assert got == {"x": pytest.approx(share), "facebook": None}, slug  # no numbers: NULL, not 0
        assert values(ws, f"engagements_share_{slug}") == pytest.approx(share)


def test_language_groups():
    codes = ["cy", "CY-gb", "en", "en-US", "eng", "cy+en", "en+cy", "bilingual", "", None, "und",
             "zxx", "fr", " cy "]
    t = ibis.memtable({"code": codes}, schema={"code": "string"})
    got = ibis.duckdb.connect().to_pyarrow(t.select(g=language_group(t.code))).column("g").to_pylist()
    assert got == ["cy", "cy", "en", "en", "en", "cy+en", "cy+en", "cy+en", "unknown", "unknown",
                   "unknown", "unknown", "other", "cy"]


def test_the_demo_writes_the_bilingual_code_this_module_reads():
    from smi.demo.effects import BILINGUAL as DEMO_BILINGUAL

    assert DEMO_BILINGUAL == BILINGUAL == "cy+en"
