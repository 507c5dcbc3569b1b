"""Posts with no publish time (published_at NULL) on the real Ethioware YouTube export, whose
Studio export leaves `Video publish time` blank for 64 of its 103 videos.

By hand, with csv.DictReader over Content/Table_data.csv and strptime "%b %d, %Y": the 39
dated videos fall in 15 months, 2021-08, 2021-10, 2023-01, 2023-02, 2023-03, 2023-11,
2023-12, 2024-04, 2024-07, 2024-08, 2024-10, 2024-12, 2025-04, 2025-05, 2025-07.
"""

from __future__ import annotations

from smi.importer import run_import
from smi.sources import ImportOptions
from smi.store import enrichment
from smi.workspace import Workspace

MONTHS = ["2021-08", "2021-10", "2023-01", "2023-02", "2023-03", "2023-11", "2023-12", "2024-04",
          "2024-07", "2024-08", "2024-10", "2024-12", "2025-04", "2025-05", "2025-07"]


def test_undated_posts_are_held_counted_and_in_no_month(real, tmp_path):
    w = Workspace.create(tmp_path / "ws", name="Ethioware", timezone="UTC")
    report = run_import(w, [real("youtube-studio-ethioware", "Content")], options=ImportOptions(account="@ethioware"))
    assert not report.failed
    assert w.store.undated_posts() == {"youtube": 64}
    st = w.store.status()
    assert st["platforms"]["youtube"]["posts"] == 103 and st["undated_posts"] == {"youtube": 64}
    # Enrichment recomputes topics per month: an undated post is in none (no NULL month).
    assert enrichment.pending_months(w.store, "posts") == MONTHS
    assert enrichment.pending_months(w.store, "posts", everything=True) == MONTHS
    w.close()
