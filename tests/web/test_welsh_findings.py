"""In the Welsh web app the findings speak Welsh: the dashboard's and each finding's page show
titles, summaries and recommendations as the Welsh report says them (the report's rendering
of the detectors' messages, smi.report.insights.say), checked in Debian's Chromium on the
demo workspace; the English app shows the English texts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.web.test_room import CHROMIUM, CHROMIUM_ARGS, MONTH, PASSWORD, serve

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-deps)")]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from smi.demo import build_demo
    from smi.monthly import run_month
    from smi.web.app import create_app
    from smi.web.users import Users
    from smi.workspace import Workspace

    root = tmp_path_factory.mktemp("welsh")
    built = os.environ.get("SMI_TEST_ROOM_DEMO")  # a demo built as test_room.py builds it (while iterating)
    if built:
        import shutil

        shutil.copytree(built, root / "demo")
    else:
        build_demo(root / "demo", seed=7, until=MONTH).workspace.close()
    with Workspace.open(root / "demo") as ws:
        month = run_month(ws, MONTH)
    Users(root).add("member@example.org", "member", PASSWORD, ["demo"], None)
    app = create_app(root)
    server, thread, url = serve(app)
    yield url, month
    server.should_exit = True
    thread.join(timeout=10)
    for host in app.state.server.hosts.values():
        host.stop()


def expected(f: dict, part: str, lang: str) -> str:
    """The finding's text in `lang` as the report renders it: its messages through the
    report's catalogue, catalogue ids said as names."""
    from smi.report.fmt import plain_text
    from smi.report.i18n import Words
    from smi.report.insights import say

    return plain_text(say(f, part, Words(lang)))


def test_findings_in_welsh_on_the_dashboard_and_the_finding_page(served, tmp_path):
    from playwright.sync_api import sync_playwright

    url, month = served
    findings = month.findings
    welsh = [f for f in findings if (f.get("messages") or {}).get("title")]
    assert len(welsh) >= 3  # the demo's findings carry their messages
    # the Welsh differs from the English for every one of them (else this test could not fail)
    assert all(expected(f, "title", "cy") != f["title"] for f in welsh)
    shots = Path(os.environ.get("SMI_WEB_SHOTS") or tmp_path)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url + "/login")
        page.fill("#email", "member@example.org")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(url + "/")
        page.goto(f"{url}/w/demo/?month={MONTH}")
        page.wait_for_selector("#filters", timeout=600_000)
        english = {f["id"]: page.inner_text(f"article[data-finding='{f['id']}'] h3") for f in welsh}
        assert english == {f["id"]: expected(f, "title", "en") for f in welsh}
        page.click("button[lang=cy]")
        page.wait_for_selector("html[lang=cy]")
        page.wait_for_selector("#filters", timeout=600_000)
        for f in welsh:
            art = page.locator(f"article[data-finding='{f['id']}']")
            h3 = art.locator("h3")
            assert h3.inner_text() == expected(f, "title", "cy"), f["id"]
            assert h3.get_attribute("lang") is None  # the page's own language, cy
            assert art.locator("p.summary").inner_text() == expected(f, "summary", "cy")
            if f.get("recommendation"):
                rec = art.locator("p.recommendation span")
                assert rec.inner_text() == expected(f, "recommendation", "cy")
                assert rec.get_attribute("lang") is None
            assert f["title"] not in art.inner_text()  # no English title left beside it
        page.locator(f"article[data-finding='{welsh[0]['id']}']").screenshot(path=str(shots / "findings-cy-dashboard.png"))
        f = welsh[0]
        page.click(f"article[data-finding='{f['id']}'] h3 a")
        page.wait_for_selector("#make-action")
        assert page.inner_text("article.finding h2") == expected(f, "title", "cy")
        assert page.title().startswith(expected(f, "title", "cy"))
        assert page.inner_text("article.finding p.summary") == expected(f, "summary", "cy")
        # "make it an action / an experiment" start from the Welsh words (the report's, unformatted)
        from smi.report.i18n import Words
        from smi.report.insights import say

        cy = Words("cy")
        if f.get("recommendation"):
            assert page.input_value("#a-title") == say(f, "recommendation", cy).strip()[:300]  # titles are kept short
            assert page.input_value("#e-hyp") == say(f, "recommendation", cy)
        assert page.input_value("#e-title") == say(f, "title", cy)
        if f.get("evidence"):  # its evidence table headed as the Welsh report heads it
            from smi.report.fmt import evidence_header
            from smi.report.i18n import Words
            from smi.report.insights import evidence_columns

            cols = evidence_columns(f["evidence"])
            heads = page.locator("table.evidence thead th").all_inner_texts()
            assert heads == [evidence_header(Words("cy"), c) for c in cols]
            assert heads != [evidence_header(Words("en"), c) for c in cols]
        page.screenshot(path=str(shots / "findings-cy-finding.png"), full_page=False)
        browser.close()
