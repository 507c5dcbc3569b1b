"""The monthly HTML report on tests/fixtures/sample_org (numbers checked by hand in
tests/metrics/test_metrics.py) and on a real X archive."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from smi.errors import SmiError
from smi.importer import run_import
from smi.metrics.months import choose_month, choose_period
from smi.report import write_report
from smi.workspace import Workspace

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "sample_org"
SECTIONS = ("header", "key-figures", "trend", "top-posts", "coverage", "methodology")


class Page(HTMLParser):
    """Collects element ids, key-figure cells, top-post rows, and every src/href."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.cells: dict[tuple[str, str, str], dict[str, str]] = {}
        self.refs: list[tuple[str, str, str]] = []
        self.tags: list[str] = []
        self.top: list[str] = []
        self._cell: tuple[str, str, str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append(tag)
        if "id" in a:
            self.ids.add(a["id"])
        for k in ("src", "href"):
            if k in a:
                self.refs.append((tag, k, a[k]))
        if tag == "tr" and "data-post" in a:
            self.top.append(a["data-post"])
        if tag == "td" and "data-month" in a:
            self._cell = (a["data-metric"], a["data-platform"], a["data-month"])
            self.cells[self._cell] = {"value": a["data-value"], "title": a.get("title", "")}
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.cells[self._cell]["text"] = " ".join("".join(self._text).split())
            self._cell = None


def parse(html: str) -> Page:
    p = Page()
    p.feed(html)
    p.close()
    return p


def without_generated_line(html: str) -> str:
    return re.sub(r'<p class="generated">[^<]*</p>', "", html)


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    w = Workspace.create(tmp_path_factory.mktemp("sample") / "ws", name="Sample Org & Co", timezone="UTC")
    result = run_import(w, [SAMPLE])
    assert not result.failed, [str(r.error) for r in result.failed]
    yield w
    w.close()


@pytest.fixture(scope="module")
def march(ws) -> tuple[Path, str]:
    paths = write_report(ws, month="2024-03", formats="html")
    assert paths == [ws.reports_dir / "2024-03" / "report.html"]
    return paths[0], paths[0].read_text(encoding="utf-8")


def test_the_report_has_its_sections_and_month(march):
    _, html = march
    page = parse(html)
    assert set(SECTIONS) <= page.ids
    assert '<title>Sample Org &amp; Co · social media report · March 2024</title>' in html
    assert 'data-month="2024-03">March 2024</span>' in html
    assert "compared with February 2024" in html


def test_key_figures_match_the_hand_calculation(march):
    cells = parse(march[1]).cells
    expected = {  # (metric, platform): (March, February); None = not available
        ("posts", "x"): (4, 2), ("posts", "facebook"): (2, 1), ("posts", "mastodon"): (1, 0),
        ("replies", "x"): (1, 0), ("replies", "mastodon"): (1, 0),
        ("reposts", "x"): (1, 0),
        ("engagements", "x"): (21, 10), ("engagements", "facebook"): (30, 12),
        ("engagements", "mastodon"): (12, None),
        ("impressions", "facebook"): (1500, 800), ("impressions", "x"): (None, None),
        ("impressions", "mastodon"): (None, None),
        ("inbound_interactions", "x"): (2, 1), ("inbound_interactions", "facebook"): (1, 0),
        ("inbound_interactions", "mastodon"): (None, None),
        ("followers", "facebook"): (1100, 1010), ("followers", "x"): (250, None),
        ("followers", "mastodon"): (None, None),
    }
    for (metric, platform), (now, before) in expected.items():
        for month, value in (("2024-03", now), ("2024-02", before)):
            cell = cells[(metric, platform, month)]
            got = int(cell["value"]) if cell["value"] else None
            assert got == value, (metric, platform, month, cell)
            if value is None:
                assert cell["text"].startswith("not available"), cell
            else:
                assert cell["text"] == f"{value:,}"
    # thousands separators, and each number carries its formula
    assert cells[("impressions", "facebook", "2024-03")]["text"] == "1,500"
    assert "sum(impressions)" in cells[("impressions", "facebook", "2024-03")]["title"]


def test_not_available_says_why(march):
    cells = parse(march[1]).cells
    x_impr = cells[("impressions", "x", "2024-03")]
    assert x_impr["text"] == "not available (Canonical CSV (smi's interchange format) gives no impressions)"
    mast = cells[("engagements", "mastodon", "2024-02")]
    assert mast["text"] == "not available (no post published in February 2024 has reactions, comments, shares or saves)"
    html = march[1]
    assert "X (Twitter): impressions — Canonical CSV (smi&#39;s interchange format) gives no impressions." in html
    # Facebook gives everything in this report: it is not listed as missing anything.
    coverage = html[html.index('id="coverage"'):html.index('id="methodology"')]
    assert "Facebook: " not in coverage


def test_changes_are_absolute_and_percent(march):
    html = march[1]
    row = re.search(r'<tr data-metric="impressions">.*?</tr>', html[html.index('id="platform-facebook"'):], re.S).group(0)
    assert 'data-change="700"' in row and "+700" in row and "+87.5%" in row  # 1,500 vs 800


def test_top_posts_are_ordered_by_engagements(march):
    # f1 30, x:101 12, m1 11, x:105 5, x:102 3 (x:104 is a repost; x:103 and m2 have 1).
    page = parse(march[1])
    assert page.top == ["facebook:f1", "x:101", "mastodon:m1", "x:105", "x:102"]
    assert '<a class="post" href="https://facebook.com/ourorgpage/posts/f1">view post</a>' in march[1]


def test_the_trend_chart_is_inline_svg_and_nothing_is_fetched(march):
    html = march[1]
    assert re.search(r"<svg[^>]*>", html[html.index('id="trend"'):])
    assert "<?xml" not in html
    page = parse(html)
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
    for tag, attr, value in page.refs:
        if tag != "a":
            assert not re.match(r"https?:|//", value), (tag, attr, value)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html.replace('<a class="post" href="https://', ""))


def test_coverage_lists_the_imports_and_dates(march):
    html = march[1]
    coverage = html[html.index('id="coverage"'):html.index('id="methodology"')]
    for name in ("posts.csv", "2024-03-20-posts.csv", "interactions.csv", "audience.csv"):
        assert f">{name}<" in coverage or f"{name}</td>" in coverage, name
    # X's first and last days: x:79 on 2023-02-05; x:106, x:i5 and its audience on 2024-04-01.
    assert re.search(r'data-platform="x"><td>X \(Twitter\)</td><td>5 Feb 2023</td><td>1 Apr 2024</td>', coverage)


def test_the_methodology_lists_every_formula(march):
    html = march[1]
    for name in ("posts", "replies", "engagements", "impressions", "inbound_interactions", "followers"):
        assert f'id="formula-{name}"' in html
        assert f'href="#formula-{name}"' in html


def test_same_workspace_and_month_give_the_same_report(ws, march, tmp_path):
    again = write_report(ws, month="2024-03", out_dir=tmp_path, formats=["html"])
    assert again == [tmp_path / "2024-03" / "report.html"]
    assert without_generated_line(again[0].read_text(encoding="utf-8")) == without_generated_line(march[1])
    assert without_generated_line(march[1]) != march[1]  # the line was there to drop


def test_the_default_month_is_the_last_one_the_sources_cover_in_full(ws):
    # Every file is a Canonical CSV. The newest data is 2024-04-01 (x:106, x:i5, X's
    # followers) and posts.csv says its numbers were observed on 2024-04-02: the export
    # covers up to 1 April, so April is a one-day sliver and March is the last full month.
    chosen = choose_month(ws, None)
    assert chosen.period.key == "2024-03"
    assert chosen.line() == ("month: 2024-03 (the last month Canonical CSV (smi's interchange format) covers "
                             "in full: its data ends 2024-04-01, exported 2024-04-02)")
    # On 15 April 2024, the same.
    assert choose_period(ws, None, now=datetime(2024, 4, 15, tzinfo=UTC)).key == "2024-03"
    # On 10 March 2023 only February 2023 (x:79) is complete and has data.
    assert choose_period(ws, None, now=datetime(2023, 3, 10, tzinfo=UTC)).key == "2023-02"
    assert choose_month(ws, "2024-04").reason == "the month asked for"


def test_a_month_without_data_is_refused(ws, tmp_path):
    with pytest.raises(SmiError, match="no data for January 2022") as e:
        write_report(ws, month="2022-01", out_dir=tmp_path)
    assert "2023-02 to 2024-04" in e.value.fix
    with pytest.raises(SmiError, match="not a month"):
        write_report(ws, month="March", out_dir=tmp_path)


def test_an_empty_workspace_is_refused(tmp_path):
    w = Workspace.create(tmp_path / "empty", name="Empty", timezone="UTC")
    with pytest.raises(SmiError, match="no data") as e:
        write_report(w)
    assert "smi import" in e.value.fix
    w.close()


def test_unknown_formats_are_refused(ws, tmp_path):
    with pytest.raises(SmiError, match="no format 'docx'") as e:
        write_report(ws, month="2024-03", out_dir=tmp_path, formats="html,docx")
    assert "html, pdf, md, json" in e.value.fix
    assert not (tmp_path / "2024-03").exists()  # nothing written
    with pytest.raises(SmiError, match="no language 'fr'"):
        write_report(ws, month="2024-03", out_dir=tmp_path, formats="md", lang="fr")


@pytest.mark.slow
def test_the_cli_writes_the_report(make_ws, cli):
    path = make_ws()
    cli("import", SAMPLE, "-w", path)
    result = cli("report", "--month", "2024-03", "-w", path)
    assert "report: " in result.stdout
    # by default HTML and PDF, in the workspace's first language (English here)
    assert sorted(p.name for p in (path / "reports" / "2024-03").iterdir()) == ["report.html", "report.pdf"]
    result = cli("report", "--month", "2024-03", "--format", "md,json", "--lang", "cy", "--out", path / "out", "-w", path)
    assert sorted(p.name for p in (path / "out" / "2024-03").iterdir()) == ["report.cy.json", "report.cy.md"]
    assert "Ffigurau allweddol ar gyfer Mawrth 2024" in (path / "out" / "2024-03" / "report.cy.md").read_text(encoding="utf-8")


@pytest.mark.shared
def test_a_real_x_archive(real, tmp_path):
    """@RTIatMLA's archive (generated 2021-11-20). By hand from data/tweet.js: November 2021
    has 4 retweets (5 Nov twice, 19 Nov twice) and no other tweets; October 2021 has 7
    originals (favourites 1+3+1+2+5+1+1 = 14, retweets 0+0+0+0+1+0+1 = 2 -> 16 engagements)
    and 2 retweets. follower.js lists 111 followers on 2021-11-20."""
    w = Workspace.create(tmp_path / "rti", name="RTI", timezone="UTC")
    result = run_import(w, [real("x-archive-rtiatmla", "data")])
    assert not result.failed, [str(r.error) for r in result.failed]
    # By default, October: the archive was taken on 20 November, so November is a sliver
    # (19 days, 0 posts); October is the last month it covers in full.
    assert write_report(w, formats="html") == [w.reports_dir / "2021-10" / "report.html"]
    paths = write_report(w, month="2021-11", formats="html")
    assert paths == [w.reports_dir / "2021-11" / "report.html"]
    cells = parse(paths[0].read_text(encoding="utf-8")).cells
    get = lambda m, month: cells[(m, "x", month)]["value"]  # noqa: E731
    assert get("posts", "2021-11") == "0" and get("reposts", "2021-11") == "4"
    assert get("replies", "2021-11") == "0"
    assert get("posts", "2021-10") == "7" and get("reposts", "2021-10") == "2"
    assert get("engagements", "2021-10") == "16"
    assert get("impressions", "2021-11") == ""
    assert "X/Twitter" in cells[("impressions", "x", "2021-11")]["text"]
    assert get("followers", "2021-11") == "111"
    w.close()


def test_findings_open_the_report_in_every_format(ws):
    """The insight engine's findings (none exist yet) go first: summary, then the sections."""
    import json

    from smi.report.i18n import Words
    from smi.report.jsondoc import render_json
    from smi.report.markdown import render_markdown
    from smi.report.model import build_model
    from smi.report.render import render_html

    model = build_model(ws, choose_period(ws, "2024-03"), Words("en"))
    model.findings = [{"id": "f1e2d3c4b5", "short_id": "f1e2d3", "title": "Facebook engagements rose by 18",
                       "detail": "30 against 12."}]
    html = render_html(model)
    ids = re.findall(r'<section id="([^"]+)"', html)
    # no goals: no scorecard; no weekday and part of the day with 5 posts: no best times
    assert ids == ["summary", "evaluation", "key-figures", "top-posts", "trend", "coverage", "methodology"]
    # the short id is printed beside the title, so `smi action add --from-finding` works from paper
    assert ('<li data-finding="f1e2d3c4b5"><strong>Facebook engagements rose by 18</strong> '
            '<code class="fid">f1e2d3</code> <span>30 against 12.</span></li>') in html
    md = render_markdown(model)
    assert re.findall(r"^## (.+)$", md, re.M)[0] == "Summary"
    assert "1. **Facebook engagements rose by 18** `f1e2d3` 30 against 12." in md
    data = json.loads(render_json(model))
    assert data["sections"][0] == "summary" and data["findings"] == model.findings


def test_undated_posts_in_the_coverage_section(real, tmp_path):
    """Ethioware's YouTube Content export: 64 of its 103 videos have a blank `Video publish
    time` (counted with csv.DictReader over Content/Table_data.csv). They are kept, in no
    month, and the coverage section says how many, in every format and in Welsh."""
    import json

    from smi.report.i18n import Words
    from smi.report.jsondoc import render_json
    from smi.report.markdown import render_markdown
    from smi.report.model import build_model
    from smi.report.render import render_html
    from smi.sources import ImportOptions

    w = Workspace.create(tmp_path / "eth", name="Ethioware", timezone="UTC")
    result = run_import(w, [real("youtube-studio-ethioware", "Content")], options=ImportOptions(account="@ethioware"))
    assert not result.failed, [str(r.error) for r in result.failed]
    model = build_model(w, choose_period(w, "2025-07"), Words("en"))
    assert model.undated_posts == [{"platform_id": "youtube", "platform": "YouTube", "count": 64}]
    line = "YouTube: 64 posts have no publish time in the export; they count in lifetime totals but in no month."
    assert line in render_markdown(model)
    assert line in render_html(model)
    assert json.loads(render_json(model))["coverage"]["undated_posts"] == {"youtube": 64}
    welsh = build_model(w, choose_period(w, "2025-07"), Words("cy"))
    assert "YouTube: nid oes amser cyhoeddi gan 64 o byst" in render_markdown(welsh, Words("cy"))
    w.close()
