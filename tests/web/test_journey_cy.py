"""The whole journey in Welsh, in Debian's Chromium: sign in, switch to Cymraeg, upload a
real X archive (x-archive-rtiatmla, from the `real` fixture), see the dashboard change, open
a finding, make it an action in the meeting room, log a week of time, generate and download
the report. At each step the page is Welsh (html lang="cy", the step's Welsh labels from
web.po) and has no horizontal scroll; screenshots at 1,280 and 390 px (SMI_WEB_SHOTS keeps
them)."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
MONTH = "2025-06"  # the demo's month with findings (as tests/web/test_room.py)
PASSWORD = "correct horse battery"
EMAIL = "aelod@example.org"
PERSON = "Mari Jones"
WEEK = "2025-06-23"  # a Monday in MONTH
SLOW = 900_000  # ms: working out a month on a loaded machine


def tweets_per_month(data: Path) -> dict[str, int]:
    """The archive's tweets by month of `created_at`, counted here from the file itself
    (Twitter's "Sat May 15 10:00:00 +0000 2021" dates), not by smi."""
    months = {m: f"{i:02d}" for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], start=1)}
    out: dict[str, int] = {}
    for path in data.glob("tweet*.js"):
        text = path.read_text(encoding="utf-8")
        items = json.loads(text[text.index("["):])
        for item in items:
            parts = item["tweet"]["created_at"].split()
            key = f"{parts[5]}-{months[parts[1]]}"
            out[key] = out.get(key, 0) + 1
    return out


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    import uvicorn

    from smi.web.app import create_app
    from smi.web.users import Users

    root = tmp_path_factory.mktemp("cy")
    built = os.environ.get("SMI_TEST_ROOM_DEMO")  # a demo built as below, copied (while iterating)
    if built:
        shutil.copytree(built, root / "demo")
    else:
        from smi.demo import build_demo

        build_demo(root / "demo", seed=7, until=MONTH).workspace.close()
    Users(root).add(EMAIL, "member", PASSWORD, ["demo"], PERSON)
    app = create_app(root)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started:
        assert time.time() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    for host in app.state.server.hosts.values():
        host.stop()


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-deps)")
def test_whole_journey_in_welsh(served, real, tmp_path):
    import pdfplumber
    from playwright.sync_api import sync_playwright

    archive = real("x-archive-rtiatmla", "data")
    per_month = tweets_per_month(archive)
    new_month = max(per_month, key=per_month.get)  # the archive's busiest month (2021-05: 17 tweets)
    assert new_month < "2024-11"  # before the demo's data: a month the dashboard did not offer
    shots = Path(os.environ.get("SMI_WEB_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    url = served
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        page = ctx.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))

        def welsh(step: str, *labels: str) -> None:
            """The page is Welsh: lang="cy", the header's Welsh words and the step's labels;
            no sideways scroll at either width; a screenshot at each."""
            assert page.get_attribute("html", "lang") == "cy", step
            text = page.inner_text("body")
            for words in ("Dangosfwrdd", "Ystafell gyfarfod", "Adroddiadau", "Allgofnodi", *labels):
                assert words in text, (step, words)
            for word in ("Sign out", "Meeting room", "Dashboard"):
                assert word not in text, (step, word)
            for width in (1280, 390):
                page.set_viewport_size({"width": width, "height": 900})
                assert page.evaluate(
                    "document.documentElement.scrollWidth <= document.documentElement.clientWidth"), (step, width)
                page.screenshot(path=str(shots / f"cy-{step}-{width}.png"), full_page=True)
            page.set_viewport_size({"width": 1280, "height": 900})

        def months_offered() -> list[str]:
            return page.eval_on_selector_all("#month option", "os => os.map(o => o.value)")

        # sign in (English: the browser asks for nothing else), then Cymraeg
        page.goto(url + "/login")
        page.fill("#email", EMAIL)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(url + "/")
        page.click("button[lang=cy]")
        page.wait_for_selector("html[lang=cy]")
        page.goto(f"{url}/w/demo/?month={MONTH}")
        page.wait_for_selector("table.figures", timeout=SLOW)
        welsh("dashboard", "Ffigurau allweddol", "Canfyddiadau", "Cwestiwn", "Hidlo")
        before = months_offered()
        assert MONTH in before and new_month not in before

        # upload the real archive: its files as they come in the export's data folder
        page.goto(f"{url}/w/demo/upload")
        welsh("upload", "Uwchlwytho")
        page.set_input_files("#files", sorted(str(f) for f in archive.iterdir() if f.is_file()))
        page.click("form[enctype] button[type=submit]")
        page.wait_for_selector("#job[data-state=done], #job[data-state=failed]", timeout=SLOW)
        assert page.get_attribute("#job", "data-state") == "done", page.inner_text("#job")
        welsh("upload-done", "Gweld y dangosfwrdd")

        # the dashboard changes: the archive's months join the month picker
        page.click("text=Gweld y dangosfwrdd")
        page.wait_for_selector("table.figures", timeout=SLOW)
        page.goto(f"{url}/w/demo/?month={MONTH}")
        page.wait_for_selector("table.figures", timeout=SLOW)
        after = months_offered()
        assert new_month in after and set(before) < set(after)
        assert all(m in after for m in per_month), sorted(set(per_month) - set(after))
        welsh("dashboard-after-upload", "Ffigurau allweddol", "Canfyddiadau")

        # open a finding with a recommendation and make it an action
        link = page.locator("article.finding:has(strong:text('Argymhelliad')) h3 a").first
        fid = link.evaluate("a => a.closest('article').dataset.finding")
        link.click()
        page.wait_for_selector("#make-action")
        welsh("finding", "Argymhelliad", "Tystiolaeth", "Ei wneud yn gam gweithredu")
        page.fill("#a-owner", "Ann Evans")
        page.click("#make-action button[type=submit]")
        page.wait_for_selector("#added", timeout=SLOW)
        assert f"month={MONTH}" in page.url
        row = page.locator("#action-list tr", has_text="Ann Evans").last
        assert row.get_attribute("data-status") == "open"
        welsh("meeting", "Agenda", "Ychwanegu cam gweithredu")
        assert fid  # the finding the action came from had an id on the dashboard

        # log a week of time: 1.5 hours each working day on the first row
        page.goto(f"{url}/w/demo/time/week?week={WEEK}")
        welsh("week", "Cofnodi'r wythnos")
        options = page.eval_on_selector_all("#platform_0 option", "os => os.map(o => o.value).filter(Boolean)")
        page.select_option("#platform_0", options[0])
        page.select_option("#activity_0", "create")
        for day in range(5):
            page.fill(f"#h_0_{day}", "1,5")  # a Welsh decimal comma is taken
        page.click("form.week button[type=submit]")
        page.wait_for_selector("p.ok[role=status]")
        assert re.search(r"Cofnodwyd 5 cofnod newydd", page.inner_text("p.ok[role=status]")), \
            page.inner_text("p.ok[role=status]")
        welsh("week-logged", "Cofnodi'r wythnos")

        # the month again, with the action and the hours (the reports page offers the months
        # the server has worked out)
        page.goto(f"{url}/w/demo/?month={MONTH}")
        page.wait_for_selector("table.figures", timeout=SLOW)
        welsh("dashboard-after-meeting", "Ffigurau allweddol", "Canfyddiadau")

        # generate the Welsh report and download its PDF
        page.goto(f"{url}/w/demo/reports")
        page.select_option("#r-month", MONTH)
        assert page.input_value("#r-lang") == "cy"  # the session's language is the default
        done = page.locator(".job[data-state=done]").count()
        page.click("#generate button[type=submit]")
        page.wait_for_function(
            "n => document.querySelectorAll('.job[data-state=done], .job[data-state=failed]').length > n",
            arg=done, timeout=SLOW)
        assert page.locator(".job[data-state=failed]").count() == 0, page.inner_text("#jobs")
        welsh("reports", "Adroddiadau blaenorol", "Creu'r adroddiad")
        with page.expect_download() as dl:
            page.click(f"tr[data-month='{MONTH}'][data-lang=cy] a[data-format=pdf]")
        pdf = tmp_path / "adroddiad.pdf"
        dl.value.save_as(pdf)
        with pdfplumber.open(pdf) as doc:
            text = "\n".join(pg.extract_text() or "" for pg in doc.pages[:4])
        assert "Ffigurau allweddol" in text, text[:2000]
        page.click("button[lang=en]")  # leave the session as it began
        browser.close()
    assert problems == []
