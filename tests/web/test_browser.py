"""The web app in headless Chromium (Debian's): sign in, upload, see the dashboard, at a
phone's width (390 px) and a laptop's (1,280 px), with no horizontal scroll, no console
errors (a CSP violation is one) and in Welsh."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PASSWORD = "correct horse battery"  # as tests/web/conftest.py gives every user


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-deps)")
@pytest.mark.parametrize("width", [390, 1280])
def test_login_upload_dashboard_in_chromium(site, tmp_path, width):
    from playwright.sync_api import sync_playwright

    shots = Path(os.environ.get("SMI_WEB_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": 900})
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("request", lambda r: problems.append(f"left the server: {r.url}")
                if not r.url.startswith(site.url) and not r.url.startswith("data:") else None)

        page.goto(site.url + "/login")
        page.fill("#email", "beta@example.org")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(site.url + "/")
        assert no_horizontal_scroll(page)
        page.screenshot(path=str(shots / f"home-{width}.png"), full_page=True)

        page.goto(site.url + "/w/beta/upload")
        page.set_input_files("#files", [str(FIXTURES / "sample_org" / "posts.csv"),
                                        str(FIXTURES / "sample_org" / "interactions.csv")])
        page.click("form[enctype] button[type=submit]")
        page.wait_for_selector("#job[data-state=done], #job[data-state=failed]", timeout=120_000)
        assert page.get_attribute("#job", "data-state") == "done", page.inner_text("#job")
        assert no_horizontal_scroll(page)
        page.screenshot(path=str(shots / f"upload-{width}.png"), full_page=True)

        page.click("text=See the dashboard")
        page.wait_for_selector("table.figures", timeout=180_000)  # htmx polls until the month is ready
        assert no_horizontal_scroll(page), "the dashboard scrolls sideways"
        # the tiles show numbers, not only "not available" (sample_org has posts on X,
        # Mastodon and Facebook in March 2024, the month the data covers in full)
        assert page.locator("table.figures td[data-value]:not([data-value=''])").count() > 0
        page.screenshot(path=str(shots / f"dashboard-{width}.png"), full_page=True)

        page.click("button[lang=cy]")
        page.wait_for_selector("html[lang=cy]")
        page.wait_for_selector("table.figures", timeout=180_000)
        assert page.locator("text=Allgofnodi").count() == 1
        assert no_horizontal_scroll(page)
        page.screenshot(path=str(shots / f"dashboard-cy-{width}.png"), full_page=True)
        page.click("button[lang=en]")  # leave the session's language as it was for the next width

        page.goto(site.url + "/w/beta/time")
        assert no_horizontal_scroll(page)
        page.screenshot(path=str(shots / f"time-{width}.png"), full_page=True)
        browser.close()
    assert problems == []
