"""The server and `smi` commands on the same workspace at once: `smi import` run while the
server serves the workspace succeeds, and the dashboard shows what it imported."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.web.conftest import PASSWORD, start

SRC = Path(__file__).resolve().parents[2] / "src"


def _smi(*args: str) -> subprocess.CompletedProcess[str]:
    """The `smi` CLI of this tree in its own process (its own DuckDB connection, as a user's)."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run([sys.executable, "-c", "from smi.cli import app; app()", *args], env=env,
                          capture_output=True, text=True, timeout=300)


def _figure(html: str, platform: str, metric: str) -> str | None:
    table = re.search(rf'<table class="figures" data-platform="{platform}">(.*?)</table>', html, re.S)
    if table is None:
        return None
    row = re.search(rf'<tr data-metric="{metric}">(.*?)</tr>', table.group(1), re.S)
    return re.search(r'data-value="([^"]*)"', row.group(1)).group(1)


def _settled(c, path: str, timeout: float = 240) -> str:
    """The dashboard once the month is worked out (figures or an error, not 'working')."""
    deadline = time.time() + timeout
    while True:
        r = c.get(path)
        assert r.status_code == 200, r.text[:300]
        if "Working out the month" not in r.text:
            return r.text
        assert time.time() < deadline, "the month was not ready in time"
        time.sleep(0.5)


@pytest.mark.slow
@pytest.mark.shared
def test_smi_import_while_the_server_runs_shows_on_the_dashboard(tmp_path, real):
    from smi.web.users import Users
    from smi.workspace import Workspace

    Workspace.create(tmp_path / "gamma", name="Gamma", timezone="UTC").close()
    Users(tmp_path).add("admin@example.org", "admin", PASSWORD)
    server, thread, site = start(tmp_path)
    try:
        c = site.login("admin@example.org")
        empty = _settled(c, "/w/gamma/")
        assert "no data to report on" in empty and 'class="figures"' not in empty
        # The server has opened and closed the store; `smi import` from another process now.
        done = _smi("import", "--no-enrich", str(real("x-archive-rtiatmla", "data")), "-w", str(tmp_path / "gamma"))
        assert done.returncode == 0, done.stdout + done.stderr
        # Hand count (tests/report/test_report.py, from data/tweet.js): October 2021, the
        # last month the archive covers in full, has 7 originals and 2 retweets.
        html = _settled(c, "/w/gamma/")
        assert (_figure(html, "x", "posts"), _figure(html, "x", "reposts")) == ("7", "2"), html[:2000]
        # A second import while the server is working a month out waits for it, then lands.
        first = c.get("/w/gamma/?month=2021-09")  # starts the month's child (holds the store)
        assert first.status_code == 200
        again = _smi("import", "--no-enrich", str(real("linkedin-page-womeninai-usa", "women_in_ai_usa_followers.csv")),
                     "-w", str(tmp_path / "gamma"))
        assert again.returncode == 0, again.stdout + again.stderr
        # Its followers run from 2025-02-08 to 2026-02-07 (the file's first and last rows): the
        # month picker, which only offered months up to 2021-11, now offers them.
        # The server sees the import when it next looks at the store: at once when it is idle,
        # else when the month it is working out opens the store (then it works out again).
        assert '<option value="2025-06"' not in html
        deadline = time.time() + 180
        while '<option value="2025-06"' not in html:
            assert time.time() < deadline, "the dashboard never showed the second import"
            time.sleep(0.5)
            html = _settled(c, "/w/gamma/")
        assert '<option value="2026-02"' in html
    finally:
        site.close_clients()
        server.should_exit = True
        thread.join(timeout=10)
        for host in site.app.state.server.hosts.values():
            host.stop()
