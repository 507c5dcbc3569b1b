"""The reports page offers every month with data, also right after an upload (issue 12, item
5): the months are kept from the last month worked out until the data changes, then read
again in a child process (smi.web.month_worker.months_job), not only after a dashboard visit."""

from __future__ import annotations

import re
import time

from tests.web.test_web import _upload, wait_job

HEADER = "platform,post_id,account,published_at,kind,text,url,impressions,reactions,comments,shares,observed_at\n"


def _posts(*rows: tuple[str, str]) -> bytes:
    """A posts.csv (the canonical format, as tests/fixtures/sample_org/posts.csv) of (id, day)."""
    return (HEADER + "".join(f"x,{pid},@ourorg,{day}T10:00:00Z,original,Post {pid},,,1,,0,2026-12-01T00:00:00Z\n"
                             for pid, day in rows)).encode()


def _offered(html: str) -> list[str]:
    """The months the report form's month picker offers, in order."""
    picker = re.search(r'<select id="r-month" name="month">(.*?)</select>', html, re.S)
    assert picker, "no month picker on the reports page"
    return [m for m in re.findall(r'<option value="([^"]*)"', picker.group(1)) if m]


def _reports(c, timeout: float = 120) -> str:
    """The reports page once it has stopped working out the months (it polls until then)."""
    deadline = time.time() + timeout
    while True:
        r = c.get("/w/alpha/reports")
        assert r.status_code == 200, r.text
        if 'data-months="working"' not in r.text:
            return r.text
        assert time.time() < deadline, "the reports page still working out the months"
        time.sleep(0.3)


def test_reports_page_offers_a_month_added_by_an_upload_without_the_dashboard(site):
    c = site.login("admin@example.org")
    html = wait_job(c, _upload(c, "alpha", [("posts.csv", _posts(("1", "2026-08-10"), ("2", "2026-09-03")))])
                    .headers["location"])
    assert 'data-state="done"' in html, html
    # the first and last days with data are 10 Aug and 3 Sep 2026 (UTC): two months, newest first
    assert _offered(_reports(c)) == ["2026-09", "2026-08"]

    # the dashboard works out a month (and knows the months): the reports page reuses them at once
    deadline = time.time() + 180
    while "data-computing" in (d := c.get("/w/alpha/").text):
        assert time.time() < deadline, "the dashboard still computing"
        time.sleep(0.5)
    first = c.get("/w/alpha/reports").text
    assert 'data-months="working"' not in first
    assert _offered(first) == ["2026-09", "2026-08"], d[:200]

    # an upload with a post on 2 Nov 2026: every month from August to November, October (no
    # post) included, as the dashboard's picker lists every month of the span
    html = wait_job(c, _upload(c, "alpha", [("posts.csv", _posts(("3", "2026-11-02")))]).headers["location"])
    assert 'data-state="done"' in html, html
    assert _offered(_reports(c)) == ["2026-11", "2026-10", "2026-09", "2026-08"]
