"""Welsh web pages say the library's own text in Welsh: the upload page's import summaries and
errors (after uploading a real Facebook Page export, from the `real` fixture), a metric's
formula page (its description and unit) and the dashboard's "not available" reasons. None of
these places is marked lang="en", and none reads as the English page does at the same place;
`english_places` finds a place that does, and a test below shows that it catches one."""

from __future__ import annotations

import re
import time
from html import unescape

import pytest
from tests.conftest import shared_path
from tests.web.conftest import csrf
from tests.web.test_web import wait_job

pytestmark = pytest.mark.slow

FACEBOOK = "meta-facebook-page-pcmerchandise"
MONTH = "2025-09"  # the export's posts are of September 2025 (its file name: Sep-01-2025_Sep-30-2025)


def _upload(c, ws: str, files: list[tuple[str, bytes]]):
    token = csrf(c.get(f"/w/{ws}/upload").text)
    return c.post(f"/w/{ws}/upload", data={"csrf": token}, files=[("files", (name, data)) for name, data in files])


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html))).strip()


def places(html: str, pattern: str) -> list[tuple[str, str]]:
    """(the element's attributes, its text) of each match of `pattern`, whose groups are the
    attributes and the inner HTML."""
    return [(attrs, _text(inner)) for attrs, inner in re.findall(pattern, html, re.S)]


def english_places(cy: list[tuple[str, str]], en: list[tuple[str, str]]) -> list[str]:
    """The places of a Welsh page that are English: marked lang="en", or reading word for word
    as the English page at the same place. Empty when every place is Welsh."""
    out = [text for attrs, text in cy if 'lang="en"' in attrs]
    out += [c for (_a, c), (_b, e) in zip(cy, en, strict=True) if c == e and re.search(r"[A-Za-z]{3}", c)]
    return out


def test_english_places_catches_a_line_of_english():
    """The check the tests below rely on fails on an English line, marked or not."""
    en = [("", "posts 16 new, 0 updated, 0 unchanged")]
    assert english_places([("", "postiadau: 16 newydd, 0 wedi'u diweddaru, 0 heb newid")], en) == []
    assert english_places([("", "posts 16 new, 0 updated, 0 unchanged")], en) == [en[0][1]]
    assert english_places([(' lang="en"', "posts 16 new, 0 updated, 0 unchanged")], en) == [en[0][1], en[0][1]]


def _clients(site):
    clients = []
    for email, lang in (("member@example.org", "cy"), ("adviser@example.org", "en")):
        c = site.login(email)
        r = c.post("/lang", data={"csrf": csrf(c.get("/").text), "lang": lang, "next": "/"})
        assert r.status_code == 303
        clients.append(c)
    cy, en = clients
    assert '<html lang="cy"' in cy.get("/w/alpha/upload").text
    return cy, en


@pytest.fixture
def clients(site):
    """A member who reads in Welsh and an adviser who reads in English (signed in for each test:
    the clients close after each)."""
    return _clients(site)


@pytest.fixture(scope="module")
def uploaded(site):
    """The real Facebook Page export uploaded to alpha from the Welsh page: its posts and its
    page-level metrics."""
    cy, _en = _clients(site)
    folder = shared_path(FACEBOOK)  # the `real` fixture's function, for a module-scoped fixture
    paths = sorted((folder / "organic-posts").glob("*.csv")) + sorted((folder / "page-level-metrics").glob("*.csv"))
    r = _upload(cy, "alpha", [(p.name, p.read_bytes()) for p in paths])
    assert r.status_code == 303, r.text
    html = wait_job(cy, r.headers["location"], timeout=300)
    assert 'data-state="done"' in html, _text(html)
    return r.headers["location"], len(paths)


RESULT = r'<tr class="(?:imported|unchanged|failed)"><td>[^<]*</td><td>[^<]*</td><td([^>]*)>(.*?)</td></tr>'


def test_the_import_log_says_the_summaries_in_welsh(clients, uploaded):
    cy, en = clients
    location, files = uploaded
    html_cy, html_en = cy.get(location).text, en.get(location).text
    said_cy, said_en = places(html_cy, RESULT), places(html_en, RESULT)
    assert 2 <= len(said_cy) == len(said_en) <= files  # files read together (page metrics) are one import
    assert english_places(said_cy, said_en) == []
    # the posts file: "postiadau: N newydd, ..." where the English page says "posts N new, ...";
    # N counted here with the csv module: one post a data row (the workspace was empty)
    import csv

    with next((shared_path(FACEBOOK) / "organic-posts").glob("*.csv")).open(encoding="utf-8-sig", newline="") as f:
        n = sum(1 for _row in csv.DictReader(f))
    assert any(f"postiadau: {n} newydd, 0 wedi'u diweddaru, 0 heb newid" in t for _a, t in said_cy), said_cy
    assert any(f"posts {n} new, 0 updated, 0 unchanged" in t for _a, t in said_en), said_en


ERROR = r'<p class="error" role="alert"([^>]*)>(.*?)</p>'


def test_an_import_error_is_said_in_welsh_naming_file_line_field_and_fix(clients):
    cy, en = clients
    bad = b"platform,post_id,account,published_at,impressions\nx,9001,@ourorg,2024-03-02T10:00:00Z,12k\n"
    location = _upload(cy, "alpha", [("posts.csv", bad)]).headers["location"]
    html_cy = wait_job(cy, location)
    assert 'data-state="failed"' in html_cy
    html_en = en.get(location).text
    cells_cy, cells_en = places(html_cy, RESULT), places(html_en, RESULT)
    assert english_places(cells_cy, cells_en) == []
    (_attrs, text), = cells_cy
    # the file, the line, the field, the problem and the fix, in the catalogue's Welsh
    assert text.startswith("methodd: posts.csv, llinell 2, maes 'impressions': nid yw '12k' yn rhif"), text
    assert text.endswith("— cywirwch y gell, neu gadewch hi'n wag os nad yw'r rhif ar gael"), text
    # the job's own line: "1 of 1 file failed"
    assert english_places(places(html_cy, ERROR), places(html_en, ERROR)) == []
    assert _text(re.search(ERROR, html_cy, re.S).group(2)) == "methodd 1 o 1 ffeil"


def test_an_unknown_file_is_said_in_welsh(clients):
    cy, en = clients
    location = _upload(cy, "alpha", [("notes.csv", b"colour,shape\nred,round\n")]).headers["location"]
    html_cy = wait_job(cy, location)
    assert 'data-state="failed"' in html_cy
    html_en = en.get(location).text
    assert english_places(places(html_cy, ERROR), places(html_en, ERROR)) == []
    text = places(html_cy, ERROR)[0][1]
    assert text.startswith("notes.csv: nid oes mewnforiwr yn adnabod y ffeil hon"), text
    assert "rhedwch `smi sources`" in text


def ready(c, url: str, timeout: float = 600) -> str:
    """The page once the month is worked out (the server computes it in the background)."""
    deadline = time.time() + timeout
    while True:
        r = c.get(url)
        assert r.status_code == 200, (url, r.status_code, r.text[:500])
        if "data-computing" not in r.text:
            return r.text
        assert time.time() < deadline, f"{url} was still being worked out"
        time.sleep(1)


WHY = r'</form>\s*<p class="muted"([^>]*)>(.*?)</p>'
REASON = r'<td class="n na"[^>]*>[^<]*<span class="reason"([^>]*)>(.*?)</span>'


def test_the_dashboards_not_available_reasons_are_welsh(clients, uploaded):
    cy, en = clients
    html_cy = ready(cy, f"/w/alpha/?month={MONTH}")
    html_en = ready(en, f"/w/alpha/?month={MONTH}")
    reasons_cy, reasons_en = places(html_cy, REASON), places(html_en, REASON)
    assert reasons_cy and len(reasons_cy) == len(reasons_en)
    assert english_places(reasons_cy, reasons_en) == []
    assert "ddim ar gael" in html_cy
    # why this month: the one asked for, and (no month asked) the one smi chose
    why_cy, why_en = places(html_cy, WHY), places(html_en, WHY)
    assert why_cy == [("", "y mis y gofynnwyd amdano")] and why_en[0][1] == "the month asked for"
    html_cy, html_en = ready(cy, "/w/alpha/"), ready(en, "/w/alpha/")
    why_cy, why_en = places(html_cy, WHY), places(html_en, WHY)
    assert english_places(why_cy, why_en) == []
    assert why_cy[0][1].startswith(("y mis olaf", "dim data yn", "nid oes mis")), why_cy


def test_a_metrics_formula_page_describes_it_in_welsh(clients, uploaded):
    from smi.metrics import load_all

    cy, en = clients
    catalogue = load_all()
    for name in ("engagement_rate_reach", "first_response_minutes_median_business", "posts_share_bilingual"):
        html_cy, html_en = cy.get(f"/w/alpha/metrics/{name}").text, en.get(f"/w/alpha/metrics/{name}").text
        pattern = r'<dd id="(?:description|unit)"([^>]*)>(.*?)</dd>'
        said_cy, said_en = places(html_cy, pattern), places(html_en, pattern)
        assert len(said_cy) == 2
        assert english_places(said_cy, said_en) == []
        assert said_en[0][1] == catalogue[name].description
        # the formula is the catalogue's own notation (functions and columns, as docs/metrics.md
        # writes it): English, and marked so on the Welsh page
        assert re.search(r'<dd id="formula" lang="en">', html_cy) and re.search(r'<dd id="formula">', html_en)
