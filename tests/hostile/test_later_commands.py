"""An accepted input never breaks a later command (issue 14): a post with no account beside
accounts with follower counts made every report fail (the followers lookup mixed a blank
account id into the list of handles, and DuckDB tried to read the handles as numbers)."""

from __future__ import annotations

import pytest

from .test_hostile import gen, smi


@pytest.mark.slow
def test_a_post_without_an_account_does_not_break_the_report(tmp_path):
    ws = tmp_path / "ws"
    assert smi("init", ws, "--name", "Org", "--timezone", "UTC").exit_code == 0
    folder = tmp_path / "in"
    gen._csv(folder / "posts.csv", gen.POSTS_HEADER, [
        ["x", f"a-{i}", "ourtheatre" if i % 2 else "", f"2026-07-{i + 1:02d}T10:00:00Z", "hi", "", str(i)]
        for i in range(12)])
    gen._csv(folder / "audience.csv", ["platform", "account", "date", "followers"],
             [["x", "ourtheatre", f"2026-07-{d:02d}", str(100 + d)] for d in range(1, 31)])
    assert smi("import", "--no-enrich", "-w", ws, folder).exit_code == 0
    r = smi("report", "--month", "2026-07", "--format", "md", "--out", tmp_path / "rep", "-w", ws)
    assert r.exit_code == 0, r.output
    assert (tmp_path / "rep" / "2026-07" / "report.md").exists()
