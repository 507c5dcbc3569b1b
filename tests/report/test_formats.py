"""The demo workspace's report in every format and both languages: structure, PDF pages,
headless Chromium, reproducible JSON, Markdown for meeting notes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from smi.demo import build_demo
from smi.report import write_report
from smi.report.insights import QUESTION_SECTIONS
from smi.report.render import SECTIONS

MONTH = "2025-06"
# The demo has findings and goals: the summary, the goal scorecard, a section per question, the
# evaluation chain, the learning survey (outcomes: learning) and the actions register first.
ORDER = ["summary", "scorecard", *(sid for _q, sid, _t in QUESTION_SECTIONS), "evaluation", "learning", "actions",
         *(i for i, _ in SECTIONS[1:])]
HEADINGS = {  # each section's heading as the reader sees it
    "en": ["Summary", "Goal scorecard", *(t for _q, _s, t in QUESTION_SECTIONS), "Evaluation chain (AMEC)",
           "Outcomes: learning", "Actions and experiments",
           "Key figures for June 2025", "Top posts of June 2025", "Trends, June 2024 to June 2025",
           "Best times to post, April 2025 to June 2025", "Data coverage", "Methodology"],
    "cy": ["Crynodeb", "Cerdyn sgorio'r nodau", "C1 Ffitio: sut mae'r cyfryngau cymdeithasol yn ffitio gyda gweddill ein gwaith",
           "C2 Arfer: pa gynnwys, fformatau, amseroedd ac ieithoedd sy'n gweithio",
           "C3 Llwyfannau: pa lwyfannau sy'n iawn i ni", "C4 Pobl: llais pwy sy'n taro tant",
           "C5 Amser: ble mae ein hamser yn mynd", "C6 Gwerth a gwasanaeth: ydyn ni'n gwasanaethu pobl yn dda",
           "C7 Llwyddiant: ein nodau", "Mannau dall: yr hyn nad ydym yn ei weld",
           "Cadwyn werthuso (AMEC)", "Canlyniadau: dysgu", "Camau gweithredu ac arbrofion", "Ffigurau allweddol ar gyfer Mehefin 2025",
           "Prif gyhoeddiadau Mehefin 2025", "Tueddiadau, Mehefin 2024 – Mehefin 2025",
           "Yr amseroedd gorau i gyhoeddi, Ebrill 2025 – Mehefin 2025", "Cwmpas y data", "Methodoleg"],
}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    result = build_demo(tmp_path_factory.mktemp("demo") / "ws", seed=7, until=MONTH)
    yield result.workspace
    result.workspace.close()


@pytest.fixture(scope="module")
def reports(demo, tmp_path_factory) -> dict[str, dict[str, Path]]:
    out = tmp_path_factory.mktemp("reports")
    files = {}
    for lang in ("en", "cy"):
        paths = write_report(demo, month=MONTH, out_dir=out, formats="html,pdf,md,json", lang=lang)
        files[lang] = {p.suffix[1:]: p for p in paths}
    return files


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_every_format_is_written_with_the_language_in_its_name(reports, lang):
    stem = "report" if lang == "en" else "report.cy"
    assert {p.name for p in reports[lang].values()} == {f"{stem}.{f}" for f in ("html", "pdf", "md", "json")}
    assert reports[lang]["pdf"].read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_html_sections_are_present_and_in_order(reports, lang):
    html = text(reports[lang]["html"])
    assert f'<html lang="{lang}">' in html
    ids = re.findall(r'<section id="([^"]+)"', html)
    assert ids == ORDER
    headings = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h2>(.*?)</h2>", html)]
    assert headings[1:] == HEADINGS[lang]  # after "Contents"
    # the contents list links every section, in order
    nav = html[html.index('<nav id="contents">'):html.index("</nav>")]
    assert re.findall(r'href="#([^"]+)"', nav) == ORDER


def test_the_welsh_report_is_in_welsh(reports):
    html = text(reports["cy"]["html"])
    for words in ("Cynnwys", "Cyhoeddiadau", "Ymgysylltiadau", "Argraffiadau",
                  "Dilynwyr ar ddiwedd y mis", "ddim ar gael", "Mewnforion: 9"):
        assert words in html, words
    # Formulas are code (the catalogue's expressions, in <code> and tooltips): not translated.
    # Post texts are workspace data, shown as written. Finding texts come from the detectors in
    # English and are marked lang="en"; charts are SVG drawn from the detectors' specs.
    words = re.sub(r'title="[^"]*"|<code>.*?</code>|<tr data-post=.*?</tr>|<svg.*?</svg>|<span class="[^"]*post-text">.*?</span>',
                   "", html, flags=re.S)
    words = re.sub(r'<(\w+)[^>]*lang="en"[^>]*>.*?</\1>', "", words, flags=re.S)
    for english in ("Key figures", "Followers at month end", "not available", "Top posts",
                    "compared with", ">Contents<", "view post", " and ", " or "):
        assert english not in words, english
    # Welsh dates: the first day of the month and the month names of the trend
    assert "1 Meh 2025" in html and "Mehefin 2024" in html


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_markdown_has_the_headings_and_pipe_tables_and_no_html(reports, lang):
    md = text(reports[lang]["md"])
    headings = re.findall(r"^## (.+)$", md, re.M)
    assert headings == HEADINGS[lang]
    assert not re.search(r"</?[a-zA-Z][^>]*>", md.replace("\\<", "").replace("\\>", ""))
    tables = re.findall(r"((?:^\|.*\|\n)+)", md, re.M)
    assert len(tables) >= 8  # five platforms' key figures, trend, top posts, imports, dates
    for t in tables:
        rows = t.splitlines()
        assert re.fullmatch(r"\|(?:-{3}:?\|)+", rows[1]), rows[1]
        cells = {len(re.findall(r"(?<!\\)\|", r)) for r in rows}
        assert len(cells) == 1, t  # every row has the header's number of cells


def test_json_is_the_same_bytes_for_the_same_workspace_and_month(demo, reports, tmp_path):
    again = write_report(demo, month=MONTH, out_dir=tmp_path, formats="json", lang="en")
    assert again[0].read_bytes() == reports["en"]["json"].read_bytes()
    # and the Welsh one differs only in words, not in figures
    en, cy = (json.loads(reports[lang]["json"].read_bytes()) for lang in ("en", "cy"))
    strip = lambda d: [[(f["metric"], f["current"], f["previous"]) for f in b["figures"]] for b in d["key_figures"]]  # noqa: E731
    assert strip(en) == strip(cy) and en["trend"] == cy["trend"]


def test_json_carries_every_figure_of_the_html(reports):
    data = json.loads(reports["en"]["json"].read_bytes())
    assert data["sections"] == ORDER and data["month"] == MONTH
    assert data["findings"]  # the demo's planted effects are found; each sits under its question:
    assert sorted(i for q in data["questions"].values() for i in q) == sorted(f["id"] for f in data["findings"])
    raw = reports["en"]["json"].read_text(encoding="utf-8")
    assert raw == json.dumps(data, sort_keys=True, ensure_ascii=False, indent=2) + "\n"  # keys sorted
    html = text(reports["en"]["html"])
    cells = {(m, p, mo): v for m, p, mo, v in re.findall(
        r'data-metric="([^"]+)" data-platform="([^"]+)" data-month="([^"]+)" data-value="([^"]*)"', html)}
    seen = 0
    for block in data["key_figures"]:
        for f in block["figures"]:
            for key, month in (("current", MONTH), ("previous", data["previous_month"])):
                value = f[key]
                assert value is None or isinstance(value, int), f
                assert cells[(f["metric"], block["platform"], month)] == ("" if value is None else str(value))
                if value is None:
                    assert f[f"{key}_reason"], f  # null always says why
                seen += 1
    assert seen == len(cells) == 5 * 7 * 2
    # Mastodon archives give no impressions: null with its reason, never 0
    mast = next(b for b in data["key_figures"] if b["platform"] == "mastodon")
    impressions = next(f for f in mast["figures"] if f["metric"] == "impressions")
    assert impressions["current"] is None
    assert impressions["current_reason"] == \
        "Canonical CSV (smi's interchange format) and Mastodon account archive give no impressions"
    top = [p["engagements"] for p in data["top_posts"]]
    assert top == sorted(top, reverse=True) and len(top) == 5
    assert re.findall(r'data-post="([^"]+)"', html) == [p["post_key"] for p in data["top_posts"]]


def _pages(pdf: Path, tmp_path: Path) -> list[Path]:
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "page")], check=True)
    return sorted(tmp_path.glob("page-*.png"))


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils (make system-deps)")
@pytest.mark.parametrize("lang", ["en", "cy"])
def test_pdf_pages_are_a4_numbered_and_none_is_blank(reports, lang, tmp_path):
    from PIL import Image

    pdf = reports[lang]["pdf"]
    pages = _pages(pdf, tmp_path)
    assert len(pages) >= 3
    for page in pages:
        im = Image.open(page).convert("L")
        w, h = im.size
        assert abs(h / w - 297 / 210) < 0.01  # A4 portrait
        body = im.crop((0, 0, w, int(h * 0.9)))  # leave out the footer (page numbers)
        dark = sum(body.histogram()[:200])
        assert dark / (body.width * body.height) > 0.005, f"{page.name} is blank"
    info = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    sheets = info.split("\f")
    word = {"en": "Page", "cy": "Tudalen"}[lang]
    n = len(pages)
    for i, sheet in enumerate(sheets[:n], 1):
        assert f"{word} {i} / {n}" in sheet
    # the contents on page 1 give each section's page number
    for heading in ({"en": "Data coverage", "cy": "Cwmpas y data"}[lang], {"en": "Methodology", "cy": "Methodoleg"}[lang]):
        assert re.search(rf"{heading}\s*\.+\s*\d+", sheets[0]), heading
    # the inline SVG chart is drawn (its titles are text in the PDF)
    chart_title = {"en": "Engagements (count)", "cy": "Ymgysylltiadau (nifer)"}[lang]
    assert chart_title in info


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-deps)")
@pytest.mark.parametrize("lang", ["en", "cy"])
def test_html_renders_in_headless_chromium_without_the_network(reports, lang):
    from playwright.sync_api import sync_playwright

    url = reports[lang]["html"].as_uri()
    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("requestfailed", lambda r: errors.append(f"failed: {r.url}"))

            def route(r):
                requests.append(r.request.url)
                if r.request.url == url:
                    r.continue_()
                else:
                    r.abort()

            page.route("**/*", route)
            page.goto(url)
            box = page.locator("#trend svg").bounding_box()
            title = page.title()
        finally:
            browser.close()
    assert errors == []
    assert requests == [url]  # the document itself, nothing else (no network address)
    assert box is not None and box["width"] > 300 and box["height"] > 200
    assert {"en": "June 2025", "cy": "Mehefin 2025"}[lang] in title


def test_the_scorecard_is_smi_goals_for_the_month(demo, reports):
    """Five KPIs (three goals); each row's value, target and status are `smi goals`' own."""
    from smi.goals import evaluate

    _period, kpis = evaluate(demo, MONTH)
    data = json.loads(reports["en"]["json"].read_bytes())
    assert len(kpis) == 5 and len({k.goal for k in kpis}) == 3
    assert data["scorecard"] == [json.loads(json.dumps(k.as_dict())) for k in kpis]
    html = text(reports["en"]["html"])
    rows = re.findall(r'<tr data-kpi="\d+" data-status="([^"]+)">', html)
    assert rows == [k.status for k in kpis]
    values = re.findall(r'<td class="n[^"]*" data-metric="([^"]+)" data-value="([^"]*)">', html)
    assert values == [(k.metric, "" if k.value is None else str(k.value)) for k in kpis]
    cy = text(reports["cy"]["html"])
    words = {"met": "wedi&#39;i gyrraedd", "on track": "ar y trywydd iawn", "behind": "ar ei hôl hi",
             "not available": "ddim ar gael"}
    for k in kpis:
        assert f"{words[k.status]}</td>" in cy
    md = text(reports["en"]["md"])
    assert md.count("| at least ") + md.count("| at most ") == 5


def test_the_evaluation_chain_counts_the_key_figures_posts(reports):
    data = json.loads(reports["en"]["json"].read_bytes())
    chain = {st["stage"]: {r["metric"]: r for r in st["rows"]} for st in data["evaluation_chain"]}
    assert list(chain) == ["inputs", "activities", "outputs", "outtakes", "outcomes"]
    assert list(chain["inputs"]) == ["staff_hours", "staff_cost", "staff_cost_coverage"]
    posts = sum(f["current"] for b in data["key_figures"] for f in b["figures"] if f["metric"] == "posts")
    previous = sum(f["previous"] for b in data["key_figures"] for f in b["figures"] if f["metric"] == "posts")
    assert chain["activities"]["posts"]["current"] == posts and posts > 0
    assert chain["activities"]["posts"]["previous"] == previous
    assert chain["activities"]["posts"]["change"] == posts - previous
    # the demo is not enriched: no sentiment scores, so not available (null), never 0
    assert chain["outtakes"]["inbound_sentiment"]["current"] is None
    html = text(reports["en"]["html"])
    section = html[html.index('<section id="evaluation"'):html.index('<section id="actions"')]
    assert f'data-value="{posts}" title="count(posts of kind original or quote published in the period)">' in section
    assert 'href="#scorecard"' in section and "not available" in section
    md = text(reports["en"]["md"])
    assert "`count(posts of kind original or quote published in the period)`" in md


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-deps)")
@pytest.mark.parametrize("lang", ["en", "cy"])
def test_no_sideways_scrolling_on_a_phone_or_a_laptop(reports, lang, tmp_path):
    """At 390 px (a phone) and 1,280 px the page is no wider than the window; the scorecard's
    KPI names get a line of their own (no syllable a line) and the top posts show their text
    and engagements inside the screen."""
    from playwright.sync_api import sync_playwright

    url = reports[lang]["html"].as_uri()
    seen = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for width in (390, 1280):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(url)
                seen[width] = page.evaluate("""() => ({
                    scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
                    kpis: [...document.querySelectorAll('#scorecard td.kpi')].map(e => e.getBoundingClientRect().width),
                    posts: [...document.querySelectorAll('#top-posts td.text')].map(e => {
                        const r = e.getBoundingClientRect(); return [r.left, r.right, r.height, e.innerText.length]; }),
                    numbers: [...document.querySelectorAll('#top-posts td[data-metric="engagements"]')].map(e => {
                        const r = e.getBoundingClientRect(); return [r.left, r.right, e.innerText]; }),
                })""")
                page.screenshot(path=str(tmp_path / f"{lang}-{width}.png"), full_page=True)
                page.close()
        finally:
            browser.close()
    for width, s in seen.items():
        assert s["scroll"] <= s["inner"] == width, (width, s["scroll"])
        # a KPI name such as "Typical first response time (business hours)" needs ~120 px for its longest word
        assert s["kpis"] and min(s["kpis"]) >= 120, (width, s["kpis"])
        assert len(s["posts"]) == len(s["numbers"]) == 5
        for left, right, height, chars in s["posts"]:
            assert left >= 0 and right <= width and height > 10 and chars > 10
        for left, right, text in s["numbers"]:
            assert left >= 0 and right <= width and re.search(r"\d", text)


def _headings(pdf: Path) -> tuple[int, list[tuple[int, float, str]]]:
    """(pages, [(page, top as a share of the page height, text)]) for every heading line: bold
    text larger than the 10 pt body (h2 and h3; table headers and bold body text are ≤ 10 pt)."""
    import pdfplumber

    found = []
    with pdfplumber.open(pdf) as doc:
        for number, page in enumerate(doc.pages, 1):
            lines: dict[float, list[str]] = {}
            for ch in page.chars:
                if "Bold" in ch["fontname"] and ch["size"] > 10.5:
                    lines.setdefault(round(ch["top"]), []).append(ch["text"])
            found += [(number, top / page.height, "".join(t)) for top, t in sorted(lines.items())]
        return len(doc.pages), found


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_pdf_headings_stay_with_their_content(reports, lang):
    """No heading starts in the bottom 15% of a page (break-after: avoid keeps it with what
    follows); the report is shorter than before issue 11 (the demo's November 2026 took 29
    pages); the scorecard is not split."""
    import pdfplumber

    pages, headings = _headings(reports[lang]["pdf"])
    assert len(headings) > 15  # the check sees the headings (h2 and the findings' h3)
    low = [(p, round(y, 2), t) for p, y, t in headings if y > 0.85]
    assert low == []
    assert pages <= 24
    from smi.report.i18n import Words

    w = Words(lang)
    heading = w._("Goal scorecard")
    note = w._("Met: the value reaches the target. On track: not met, but the trend over the last three periods "
               "carries it there next period. Behind: neither. Not available: the data gives no value (never "
               "counted as zero).")[:25]
    with pdfplumber.open(reports[lang]["pdf"]) as doc:
        texts = [" ".join((pg.extract_text() or "").split()) for pg in doc.pages]
    start = next(i for i, t in enumerate(texts) if heading in t and i > 0)  # page 1 is the contents
    assert note in texts[start]  # the note under the table is on the heading's page: the table is whole


AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe-4.14.1.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"  # tests/vendor/axe-core/VENDORED.md


def test_the_vendored_axe_core_is_the_pinned_file():
    import hashlib

    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == AXE_SHA256
    assert (AXE.parent / "LICENSE").read_text(encoding="utf-8").startswith("Mozilla Public License")


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-deps)")
@pytest.mark.parametrize("lang", ["en", "cy"])
def test_axe_core_finds_no_violations_on_a_phone_or_a_laptop(reports, lang):
    """axe-core (WCAG 2.0/2.1 A and AA rules and best practices) over the HTML report at
    390 px and 1,280 px: no violations, and the page is no wider than the window."""
    from playwright.sync_api import sync_playwright

    url = reports[lang]["html"].as_uri()
    found = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for width in (390, 1280):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(url)
                page.add_script_tag(path=str(AXE))
                found[width] = page.evaluate("""async () => {
                    const r = await axe.run(document, {runOnly: {type: 'tag',
                        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
                    return {rules: r.passes.length,
                            violations: r.violations.map(v => [v.id, v.nodes.map(n => n.target.join(' ')).slice(0, 3)]),
                            scroll: document.documentElement.scrollWidth};
                }""")
                page.close()
        finally:
            browser.close()
    for width, r in found.items():
        assert r["rules"] > 20  # axe ran its rules (a run that checked nothing would pass too)
        assert r["violations"] == [], (width, r["violations"])
        assert r["scroll"] <= width


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_the_body_fits_in_twelve_pages_before_the_appendices(reports, lang):
    """Issue 11: the demo month in at most 12 pages, then the appendices (data coverage,
    trend data, methodology and formulas); the first page's tiles are on page 2, with the
    summary heading (the cover and contents are page 1)."""
    import pdfplumber

    from smi.report.i18n import Words

    w = Words(lang)
    with pdfplumber.open(reports[lang]["pdf"]) as doc:
        texts = [" ".join((pg.extract_text() or "").split()) for pg in doc.pages]
    appendix = next(i for i, t in enumerate(texts) if w._("Data coverage") in t and i > 0)
    assert appendix <= 12, appendix  # pages 1..appendix are the body
    summary = next(i for i, t in enumerate(texts) if w._("Summary") in t and i > 0)
    assert summary == 1 and w._("What we learned") in texts[1]


def test_each_finding_short_id_is_printed_in_every_format(demo, reports, tmp_path):
    """Every finding's short id (the one `smi action add --from-finding` takes) in the HTML,
    the PDF's text and the Markdown; an action taken from a finding is shown beside it with
    its owner, due date and status, and the last meeting's decisions in the register."""
    import pdfplumber

    from smi.monthly import run_month
    from smi.report.i18n import Words
    from smi.report.render import write_month

    month = run_month(demo, MONTH)  # cached by the reports fixture: the same month
    assert month.findings
    shorts = [f["short_id"] for f in month.findings]
    html = text(reports["en"]["html"])
    md = text(reports["en"]["md"])
    with pdfplumber.open(reports["en"]["pdf"]) as doc:
        pdf = " ".join((pg.extract_text() or "") for pg in doc.pages)
    for s in shorts:
        assert s in html and f"`{s}`" in md and s in pdf, s
    f = month.findings[-1]
    month.actions = [{"id": 41, "title": "Try two reels a week", "owner": "Elin Prys", "due": "2025-07-10",
                      "status": "open", "finding": f["id"], "meeting": 3, "finding_short": f["short_id"]}]
    month.actions_due = [41]
    month.meeting = {"id": 3, "date": "2025-06-20", "attendees": ["Elin Prys"], "notes": "Decision: reels",
                     "decisions": ["reels"]}
    out = write_month(month, tmp_path, "html,md", Words("en"))
    page = out[0].read_text(encoding="utf-8")
    article = page[page.index(f'id="finding-{f["id"]}"'):]
    article = article[:article.index("</article>")]
    assert "Try two reels a week (Elin Prys, due 10 Jul 2025, open)" in article
    register = page[page.index('<section id="actions"'):]
    assert "Last meeting: 20 Jun 2025" in register and "<li>reels</li>" in register
    assert f'<a href="#finding-{f["id"]}"><code class="fid">{f["short_id"]}</code></a>' in register
    assert f"| open | {f['short_id']} |" in out[1].read_text(encoding="utf-8").split("### Actions\n")[1]
def test_the_demo_report_shows_learning_over_time(reports):
    # The demo's survey answers (smi/demo/organisation.toml, [survey_answers]), hand-averaged:
    # confidence posting: (3+2+4+3)/4 = 3.0, then (4+3+4+4)/4 = 3.75; Elin, Siân, Owain +1, Dafydd 0
    # time enough: (2+2+1+3)/4 = 2.0 both rounds; Siân -1, Dafydd +1, Elin and Owain 0
    md = text(reports["en"]["md"])
    section = md.split("## Outcomes: learning", 1)[1].split("\n## ", 1)[0]
    assert "| July 2024 to December 2024 | January 2025 to June 2025 | Change |" in section
    assert ("| How confident are you posting for the theatre? | confidence | 3.0 of 5 (4 people) | "
            "3.8 of 5 (4 people) | +0.8: 3 of 4 people higher, 1 the same, 0 lower |") in section
    assert ("| Is there enough time in your week for social media work? | time | 2.0 of 5 (4 people) | "
            "2.0 of 5 (4 people) | +0.0: 1 of 4 people higher, 2 the same, 1 lower |") in section
    for name in ("Elin", "Siân", "Dafydd", "Owain"):
        assert name not in section
    cy = text(reports["cy"]["md"]).split("## Canlyniadau: dysgu", 1)[1].split("\n## ", 1)[0]
    assert "Pa mor hyderus ydych chi'n postio ar ran y theatr?" in cy and "3.0 o 5 (4 o bobl)" in cy


@pytest.mark.parametrize("lang,said,odd", [("en", "develop what we offer", ("develop products", "products")),
                                           ("cy", "ddatblygu'r hyn a gynigiwn", ("cynnyrch", "cynhyrch"))])
def test_the_purpose_words_fit_any_organisation(reports, lang, said, odd):
    """Issue 11: a theatre does not "develop products". The demo's Q1 finding (workshop posts,
    purpose key "develop products" in the profile) and the purposes table say "develop what we
    offer" in both editions; the profile's key stays as the user wrote it (JSON)."""
    html = re.sub(r"<[^>]+>", " ", text(reports[lang]["html"])).replace("&#39;", "'")
    md = text(reports[lang]["md"]).replace("\\'", "'")
    for doc in (html, md):
        assert said in doc
        for word in odd:
            assert word not in doc.lower(), word


@pytest.mark.parametrize("lang,words", [("en", "is its id: to turn that finding into an action, run"),
                                        ("cy", "yw ei ddynodwr: i droi'r canfyddiad hwnnw'n gam gweithredu, rhedwch")])
def test_the_first_page_says_what_a_finding_id_is_for(reports, lang, words):
    """Issue 11: short ids such as 352dca stood after each finding with no word on what they
    are; the first page says it once, with the command that takes one, in HTML, PDF and Markdown."""
    html = text(reports[lang]["html"]).replace("&#39;", "'")
    summary = html[html.index('<section id="summary"'):html.index('<section id="scorecard"')]
    first = re.findall(r'<li data-finding="[^"]+"><strong[^>]*>.*?<code>(\w+)</code>', summary, re.S)[0]
    note = f"{words} <code>smi action add --from-finding {first}</code>."
    assert summary.count(note) == 1 and summary.count("--from-finding") == 1
    md = text(reports[lang]["md"]).replace("\\'", "'")
    assert f"{words} `smi action add --from-finding {first}`." in md
    # pdfplumber leaves out some of the monospace text on this page; pdftotext reads it
    second = subprocess.run(["pdftotext", "-layout", "-f", "2", "-l", "2", str(reports[lang]["pdf"]), "-"],
                            check=True, capture_output=True, text=True).stdout
    assert f"smi action add --from-finding {first}." in " ".join(second.split())


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_the_first_reply_tile_says_what_it_covers(reports, lang):
    """Issue 11: the tile "Typical first response time (business hours): 10 min" stood beside
    the finding "First responses slower on Facebook: 19.3 hours" (clock hours) as if they
    disagreed. The tile says it counts every platform and only minutes inside business hours,
    and gives the median over all hours: the scorecard's own figure for the same KPI, and never
    below the business-hours one (an item's business minutes are at most its clock minutes)."""
    data = json.loads(reports["en"]["json"].read_bytes())
    row = next(k for k in data["scorecard"] if k["metric"] == "first_response_minutes_median_business")
    clock = next(b["value"] for b in row["beside"] if b["metric"] == "first_response_minutes_median")
    assert clock >= row["value"]
    shown = {"en": f"{clock / 60:.1f} h", "cy": f"{clock / 60:.1f} awr"}[lang] if clock >= 120 else None
    html = text(reports[lang]["html"])
    tile = re.search(r'<li class="tile" data-metric="first_response_minutes_median_business".*?</li>', html, re.S)[0]
    scope = re.search(r'<p class="tile-scope">([^<]+)</p>', tile)[1]
    start = {"en": "Every platform, counting only the minutes inside business hours; over all hours: ",
             "cy": "Pob llwyfan, gan gyfrif dim ond y munudau o fewn oriau busnes; dros bob awr: "}[lang]
    assert scope.startswith(start)
    if shown:
        assert scope == f"{start}{shown}."


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_no_body_page_is_under_half_full_except_before_a_section(reports, lang):
    """Issue 11: a page of the body is at least half full (its lowest line of text, the footer
    left out, is below the middle of the page), unless the next page starts a section (its
    first line is an h2 heading: bold, 15.6 pt; h3 is 13.2 pt or less) or it is the body's last page."""
    import pdfplumber

    from smi.report.i18n import Words

    w = Words(lang)
    with pdfplumber.open(reports[lang]["pdf"]) as doc:
        pages = doc.pages
        texts = [" ".join((pg.extract_text() or "").split()) for pg in pages]
        appendix = next(i for i, t in enumerate(texts) if w._("Data coverage") in t and i > 0)
        thin = []
        for i in range(1, appendix - 1):  # page 1 (cover and contents) and the body's last page left out
            body = [c for c in pages[i].chars if c["bottom"] < pages[i].height * 0.93]  # not the footer
            lowest = max(c["bottom"] for c in body) / pages[i].height
            following = [c for c in pages[i + 1].chars if c["text"].strip()]
            top = min(c["top"] for c in following)
            first_line = [c for c in following if abs(c["top"] - top) < 2]
            starts_section = all("Bold" in c["fontname"] and c["size"] > 14.5 for c in first_line)
            if lowest < 0.5 and not starts_section:
                thin.append((i + 1, round(lowest, 2)))
    assert thin == []
