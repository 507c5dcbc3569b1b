"""The report's trends (seven measures over 13 months), best times to post and top posts' rates,
on tests/fixtures/sample_org (canonical CSV, UTC), month 2024-03.

Expected values are counted by hand from the fixture's CSV files (posts.csv, the older snapshot
2024-03-20-posts.csv, audience.csv); each test says how.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

import smi.monthly as monthly
from smi.importer import run_import
from smi.monthly import run_month
from smi.report.i18n import Words
from smi.report.render import write_month
from smi.workspace import Workspace

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "sample_org"
MONTH = "2024-03"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    w = Workspace.create(tmp_path_factory.mktemp("sample") / "ws", name="Sample Org", timezone="UTC")
    result = run_import(w, [SAMPLE])
    assert not result.failed, [str(r.error) for r in result.failed]
    yield w
    w.close()


@pytest.fixture(scope="module")
def march(sample):
    return run_month(sample, MONTH, findings=False, use_cache=False)


def trend(month, measure: str, platform: str) -> dict[str, object]:
    return {r["month"]: r["value"] for r in month.trend if r["measure"] == measure and r["platform_id"] == platform}


def test_the_trend_has_followers_impressions_rate_and_response_time(march):
    measures = {r["measure"] for r in march.trend}
    assert {"posts", "engagements", "followers", "impressions", "reach", "engagement_rate_impressions"} <= measures
    assert measures & {"first_response_minutes_median", "first_response_minutes_median_business"}
    # audience.csv: Facebook 1,010 on 29 Feb (the last February day with a value), 1,100 on 30 Mar
    # (31 Mar is blank); X 250 on 15 Mar and nothing in February: not available, never 0.
    fb, x = trend(march, "followers", "facebook"), trend(march, "followers", "x")
    assert (fb["2024-02"], fb["2024-03"]) == (1010, 1100)
    assert x["2024-02"] is None and x["2024-03"] == 250
    # Facebook posts published in March: f1 1,000 and f2 500 impressions; February: f0 800.
    imp = trend(march, "impressions", "facebook")
    assert (imp["2024-02"], imp["2024-03"]) == (800, 1500)
    # Engagement rate: engagements over impressions of the posts that have both: March f1 only
    # (5 + 20 + 5 = 30 of 1,000; f2 has no engagement numbers), February f0 (10 + 0 + 2 = 12 of 800).
    rate = trend(march, "engagement_rate_impressions", "facebook")
    assert rate["2024-03"] == pytest.approx(0.03) and rate["2024-02"] == pytest.approx(0.015)
    # No export gives reach: not available in every month, never 0.
    assert {v for r in march.trend if r["measure"] == "reach" for v in [r["value"]]} == {None}


def test_top_posts_carry_their_engagement_rate(march):
    # March by engagements (latest snapshots): f1 30, x 101 10 + 2 = 12, m1 6 + 2 + 3 = 11,
    # x 105 4 + 1 = 5, x 102 3; only Facebook gives impressions: f1 30 / 1,000.
    got = [(p["post_key"], p["engagements"], p["engagement_rate"]) for p in march.top_posts]
    assert got == [("facebook:f1", 30, pytest.approx(0.03)), ("x:101", 12, None), ("mastodon:m1", 11, None),
                   ("x:105", 5, None), ("x:102", 3, None)]
    # each platform's own top post, for its block
    assert [(p["platform"], p["post_key"]) for p in march.platform_top] == [
        ("facebook", "facebook:f1"), ("mastodon", "mastodon:m1"), ("x", "x:101")]


def test_best_times_leave_out_slots_with_too_few_posts(march):
    # No weekday and part of the day holds 5 posts in January to March: nothing to say.
    assert monthly.BEST_MIN_POSTS == 5 and march.best_times == {}


def test_best_times_by_weekday_and_part_of_the_day(sample, monkeypatch, tmp_path):
    """Posts with engagement numbers, reposts left out, January to March 2024, UTC. X: 101 Sat
    2 Mar 10:00 (12), 90 Sat 10 Feb 10:00 (7 + 1 = 8): Saturday morning, 2 posts, 10 a post; 102
    Fri 15 Mar 12:00 (3); 103 (a reply) Wed 20 Mar 09:00 (1); 105 Sun 31 Mar 23:30 (5); 91 (a
    quote) Thu 29 Feb 23:59 (2); 107 has no numbers and 104 is a repost. Mastodon: m1 Tue 5 Mar
    08:00 (11), m2 Wed 6 Mar 08:00 (1). Facebook: f0 Tue 20 Feb 12:00 (12), f1 Sun 10 Mar 12:00
    (30); f2 has no numbers."""
    monkeypatch.setattr(monthly, "BEST_MIN_POSTS", 1)
    month = run_month(sample, MONTH, findings=False, use_cache=False)
    b = month.best_times
    assert (b["first"], b["last"], b["min_posts"]) == ("2024-01", "2024-03", 1)
    got = [(r["platform_id"], r["weekday"], r["daypart"], r["posts"], r["per_post"]) for r in b["rows"]]
    assert got == [
        ("facebook", 2, "afternoon", 1, 12.0), ("facebook", 7, "afternoon", 1, 30.0),
        ("mastodon", 2, "morning", 1, 11.0), ("mastodon", 3, "morning", 1, 1.0),
        ("x", 3, "morning", 1, 1.0), ("x", 4, "evening", 1, 2.0), ("x", 5, "afternoon", 1, 3.0),
        ("x", 6, "morning", 2, 10.0), ("x", 7, "evening", 1, 5.0),
    ]
    html = write_month(month, tmp_path, "html", Words("en"))[0].read_text(encoding="utf-8")
    # X's best slot against its posts-weighted average: (1 + 2 + 3 + 2 × 10 + 5) / 6 = 5.2
    assert "Sat morning (7–12): 10 engagements a post (2 posts), against 5.2 over every slot shown" in html
    section = html[html.index('<section id="best-times">'):]
    section = section[:section.index("</section>")]
    assert 'role="img" aria-label="Heat maps, one per platform' in section  # the chart's text alternative
    data = html[html.index('id="best-data"'):]
    assert len(re.findall(r"<tr(?: class=\"best\")?><th scope=\"row\">", data[:data.index("</table>")])) == 9
    cy = write_month(month, tmp_path / "cy", "html", Words("cy"))[0].read_text(encoding="utf-8")
    assert "Sad, bore (7–12): 10 o ymgysylltiadau fesul cyhoeddiad (2 cyhoeddiad)" in cy


def test_the_trend_chart_names_every_measure_and_its_table_has_the_rows(march, tmp_path):
    html = write_month(march, tmp_path, "html", Words("en"))[0].read_text(encoding="utf-8")
    section = html[html.index('<section id="trend">'):]
    section = section[:section.index("</section>")]
    alt = re.search(r'<svg[^>]*aria-label="([^"]*)"', section).group(1)
    for name in ("Posts (count)", "Engagements (count)", "Followers", "Impressions",
                 "Engagement rate (by impressions)"):
        assert name in alt, name
        for line in textwrap.wrap(name, 28):  # each panel's title is drawn (a long one on two lines)
            assert f">{line}</" in section, line
    assert "Reach" not in alt  # no export gives reach: no empty panel
    data = html[html.index('id="trend-data"'):]
    data = data[:data.index("</table>")]
    row = re.search(r'<th scope="row">Facebook</th><td>Engagement rate \(by impressions\)</td>(.*?)</tr>', data, re.S)
    cells = re.findall(r'<td class="n[^"]*">([^<]*)</td>', row.group(1))
    assert cells[-2:] == ["1.5%", "3.0%"]  # February 12 / 800, March 30 / 1,000
