"""The report's first page (KPI tiles, what we learned, actions due), the last meeting and
the branding, on tests/fixtures/sample_org (canonical CSV, hand-counted in
tests/metrics/test_metrics.py and tests/report/test_report.py), month 2024-03."""

from __future__ import annotations

import base64
import html as htmllib
import re
import shutil
from pathlib import Path

import pytest

from smi.errors import ProfileError
from smi.importer import run_import
from smi.monthly import decisions, run_month
from smi.practice.actions import add_action
from smi.practice.meetings import add_meeting
from smi.report.i18n import Words
from smi.report.render import write_month
from smi.workspace import Workspace

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "sample_org"
MONTH = "2024-03"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    w = Workspace.create(tmp_path_factory.mktemp("first") / "ws", name="Sample Org", timezone="UTC")
    result = run_import(w, [SAMPLE])
    assert not result.failed
    notes = w.root / "notes.md"
    notes.write_text("# March meeting\n- Decision: post in Welsh first on Instagram\nWe talked about reels.\n"
                     "Agreed: answer every message within a working day\n", encoding="utf-8")
    add_meeting(w, "2024-03-28", "Ann Jones, Bob Smith", notes)
    add_meeting(w, "2024-04-10", "Ann Jones", None)  # after the month: not "the last meeting" of March
    ids = {}
    for title, due in (("Overdue", "2024-03-15"), ("Next month", "2024-04-20"), ("Far off", "2024-06-30"),
                       ("Undated", None)):
        ids[title] = add_action(w, title, owner="Ann Jones", due=due)[0].action_id
    w.ids = ids  # type: ignore[attr-defined]
    yield w
    w.close()


@pytest.fixture(scope="module")
def month(sample):
    return run_month(sample, MONTH)


def page(path: Path) -> str:
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


def test_tiles_hold_the_hand_counted_figures_and_no_zero_for_a_missing_year(month):
    """Posts: 4 on X + 2 on Facebook + 1 on Mastodon in March, 2 + 1 + 0 in February
    (tests/report/test_report.py), and one in March 2023 (posts.csv line 11, "A year ago").
    Followers: Facebook 1,100 + X 250 at the end of March, Facebook 1,010 at the end of
    February (audience.csv); audience.csv has nothing from 2023: no data a year ago (None)."""
    tiles = {t["metric"]: t for t in month.kpis}
    assert [t["metric"] for t in month.kpis[:5]] == ["followers", "impressions", "engagement_rate_impressions",
                                                      "posts", "first_response_minutes_median_business"]
    assert (tiles["posts"]["value"], tiles["posts"]["previous"], tiles["posts"]["year_ago"]) == (7, 3, 1)
    assert (tiles["followers"]["value"], tiles["followers"]["previous"]) == (1350, 1010)
    assert tiles["followers"]["year_ago"] is None and tiles["followers"]["year_ago_month"] == "2023-03"


@pytest.mark.parametrize("lang,none_then,since", [("en", "no data a year ago (March 2023)", "vs March 2023: +6"),
                                                   ("cy", "dim data flwyddyn yn ôl (Mawrth 2023)", "ers Mawrth 2023: +6")])
def test_the_first_page_says_no_data_a_year_ago_never_zero(month, tmp_path, lang, none_then, since):
    paths = write_month(month, tmp_path, "html,md", Words(lang))
    html = paths[0].read_text(encoding="utf-8")
    tiles = re.findall(r'<li class="tile" data-metric="([^"]+)".*?</li>', html, re.S)
    assert tiles[:5] == ["followers", "impressions", "engagement_rate_impressions", "posts",
                         "first_response_minutes_median_business"]
    years = dict(re.findall(r'<li class="tile" data-metric="([^"]+)".*?vs-year"><span[^>]*>([^<]*)</span>', html, re.S))
    assert htmllib.unescape(years["followers"]) == none_then
    assert htmllib.unescape(years["posts"]).startswith(since)  # 7 against 1: +6 (+600.0%)
    assert not any(re.search(r":\s*[+-]?0\b", v) for k, v in years.items() if k != "posts")
    md = paths[1].read_text(encoding="utf-8")
    assert none_then in md


def test_the_last_meeting_its_decisions_and_the_actions_due(sample, month, tmp_path):
    """The meeting of 28 March (not the one of 10 April, after the month) with its two decision
    lines; actions due: open and due by 1 May (31 days after 31 March), overdue first, then
    those with no date; the one due on 30 June is not due yet."""
    assert month.meeting["date"] == "2024-03-28" and month.meeting["attendees"] == ["Ann Jones", "Bob Smith"]
    assert month.meeting["decisions"] == ["post in Welsh first on Instagram",
                                          "answer every message within a working day"]
    ids = sample.ids
    assert month.actions_due == [ids["Overdue"], ids["Next month"], ids["Undated"]]
    text = page(write_month(month, tmp_path, "html", Words("en"))[0])
    due = text[text.index("Actions due"):]
    assert due.index("Overdue (Ann Jones, due 15 Mar 2024: overdue)") < due.index("Next month (Ann Jones, due")
    assert "Far off (Ann" not in due[:due.index("Goal scorecard") if "Goal scorecard" in due else 2000]
    assert "Last meeting: 28 Mar 2024" in text and "post in Welsh first on Instagram" in text


def test_decision_lines_are_read_in_both_languages():
    notes = "* Penderfyniad: cyhoeddi yn Gymraeg yn gyntaf\nDecided:\n  - DECISION: keep the Friday quiz\nno: decision"
    assert decisions(notes) == ["cyhoeddi yn Gymraeg yn gyntaf", "keep the Friday quiz"]


def _with_branding(sample, tmp_path, lines: str) -> Path:
    root = tmp_path / "branded"
    shutil.copytree(sample.root, root, ignore=shutil.ignore_patterns("*.wal", "cache"))
    toml = root / "workspace.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n[branding]\n" + lines, encoding="utf-8")
    return root


def test_branding_name_logo_and_colours_reach_the_report(sample, tmp_path):
    from PIL import Image

    sample.close()  # the copy must be consistent: no open writer
    root = _with_branding(sample, tmp_path, 'name = "Sample Theatre"\nlogo = "logo.png"\naccent = "#767676"\n')
    Image.new("RGB", (40, 20), (36, 73, 107)).save(root / "logo.png")  # a real PNG file
    ws = Workspace.open(root)
    try:
        m = run_month(ws, MONTH, findings=False)
    finally:
        ws.close()
    assert m.branding["name"] == "Sample Theatre" and m.branding["accent"] == "#767676"
    assert base64.b64decode(m.branding["logo"].split(",", 1)[1]) == (root / "logo.png").read_bytes()
    html = write_month(m, tmp_path / "out", "html", Words("en"))[0].read_text(encoding="utf-8")
    assert '<img class="logo" src="data:image/png;base64,' in html and 'alt="Sample Theatre logo"' in html
    assert "--accent: #767676;" in html and "Sample Theatre: social media report" in html


@pytest.mark.parametrize("lines,key,words", [
    # #777777 on white is 4.48:1, #767676 4.54:1 (the WCAG AA grey; WebAIM's contrast checker)
    ('accent = "#777777"\n', "branding.accent", "4.48:1"),
    # #555555 behind #1b1b1b text: (L 0.0908 + 0.05) / (L 0.0109 + 0.05) = 2.31
    ('tint = "#555555"\n', "branding.tint", "2.31:1"),
    ('accent = "navy"\n', "branding.accent", "not a colour"),
])
def test_colours_without_contrast_are_refused_naming_the_key(sample, tmp_path, lines, key, words):
    sample.close()
    root = _with_branding(sample, tmp_path, lines)
    with pytest.raises(ProfileError) as e:
        Workspace.open(root).profile  # noqa: B018
    assert e.value.field == key and words in str(e.value)


def test_a_logo_that_is_not_there_is_refused_naming_the_key(sample, tmp_path):
    sample.close()
    root = _with_branding(sample, tmp_path, 'logo = "missing.png"\n')
    ws = Workspace.open(root)
    try:
        with pytest.raises(ProfileError) as e:
            run_month(ws, MONTH, findings=False)
    finally:
        ws.close()
    assert e.value.field == "branding.logo" and "missing.png" in str(e.value)


@pytest.mark.parametrize("lang,line,register", [
    ("en", "Call the venue (Ann Jones, due 31 Mar 2024: overdue)", "open, overdue"),
    ("cy", "Call the venue (Ann Jones, erbyn 31 Maw 2024: yn hwyr)", "ar agor, yn hwyr"),
])
def test_an_action_due_on_the_months_last_day_and_still_open_is_overdue(month, tmp_path, lang, line, register):
    """Issue 11: an action due on the month's last day (31 March) and still open when the month
    ends read "due 31 Mar 2024, open" in March's report; it is overdue (one rule,
    smi.practice.actions.is_overdue). One due the day after (1 April) is not yet, and a done
    one never is."""
    from copy import deepcopy

    m = deepcopy(month)
    m.actions = [{"id": 1, "title": "Call the venue", "owner": "Ann Jones", "due": "2024-03-31", "status": "open",
                  "finding": None, "meeting": None, "finding_short": None},
                 {"id": 2, "title": "Book the hall", "owner": "Ann Jones", "due": "2024-04-01", "status": "open",
                  "finding": None, "meeting": None, "finding_short": None},
                 {"id": 3, "title": "Print posters", "owner": "Ann Jones", "due": "2024-03-30", "status": "done",
                  "finding": None, "meeting": None, "finding_short": None}]
    m.actions_due = [1, 2]
    html, md = write_month(m, tmp_path, "html,md", Words(lang))
    text = page(html)
    assert line in " ".join(text.split())
    statuses = re.findall(r'<tr data-action="(\d)">.*?<td data-label="[^"]+">([^<]*)</td><td data-label="[^"]+">[^<]*'
                          r'</td></tr>', html.read_text(encoding="utf-8"), re.S)
    words = {"en": ("open", "done"), "cy": ("ar agor", "wedi'i wneud")}[lang]
    assert [(i, htmllib.unescape(s)) for i, s in statuses] == [("1", register), ("2", words[0]), ("3", words[1])]
    assert f"| {register} |" in md.read_text(encoding="utf-8")


def test_the_overdue_rule():
    from smi.practice.actions import is_overdue

    assert is_overdue("open", "2026-11-30", "2026-11-30") and is_overdue("in_progress", "2026-11-02", "2026-11-30")
    assert not is_overdue("open", "2026-12-01", "2026-11-30")
    assert not is_overdue("done", "2026-11-01", "2026-11-30") and not is_overdue("dropped", "2026-11-01", "2026-11-30")
    assert not is_overdue("open", None, "2026-11-30")
