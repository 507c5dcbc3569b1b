"""Plain language in the report: metric display names, values as people read them (money,
percentages, minutes), goals and effects in words, charts that carry their values, trends
that start where the data starts. Expected strings are worked out by hand in each test."""

from __future__ import annotations

import pytest

from smi.labels import DISPLAYS, LABELS
from smi.metrics import load_all
from smi.report import fmt
from smi.report.charts import finding_chart, from_first
from smi.report.i18n import Words

EN, CY = Words("en"), Words("cy")


def test_every_catalogue_metric_has_a_display_name_and_a_way_to_read_it():
    catalogue = load_all()
    assert sorted(LABELS) == sorted(catalogue)  # no metric left with its id, no stale entry
    for name, metric in catalogue.items():
        assert metric.label == LABELS[name][0] and metric.display in DISPLAYS, name
        assert "_" not in metric.label, name
    labels = [label for label, _ in LABELS.values()]
    assert len(set(labels)) == len(labels)  # two metrics never read the same
    # the metric the issue saw as an id
    assert catalogue["first_response_minutes_median_business"].label == "Typical first response time (business hours)"
    # the catalogue's shares (0-1) and rates read as percentages
    for name, metric in catalogue.items():
        if metric.unit == "share (0–1)":
            assert metric.display == "percent", name


def test_rates_read_as_percentages():
    assert fmt.percent(EN, 0.00395) == "0.4%"  # 0.395% to one decimal
    assert fmt.percent(EN, 0.0585) == "5.9%"
    assert fmt.percent(EN, 0.243) == "24%"
    assert fmt.percent(EN, 0.00042) == "0.042%"  # a small rate never reads 0
    assert fmt.percent(EN, 0) == "0%"
    assert fmt.value(EN, "click_through_rate", 0.00395) == "0.4%"
    assert fmt.value(EN, "engagement_rate_impressions", None) == "not available"


def test_money_reads_in_the_profiles_currency():
    assert fmt.value(EN, "staff_cost", 1682.7) == "£1,682.70"
    assert fmt.value(EN, "staff_cost", 1682.7, "EUR") == "€1,682.70"
    assert fmt.value(CY, "staff_cost", 1682.7) == "£1,682.70"
    assert fmt.signed_value(EN, "staff_cost", 29.825) == "+£29.82"  # banker's rounding of .825 in Babel: 29.82
    assert fmt.signed_value(EN, "staff_cost_coverage", -0.012) == "-1.2 points"


def test_times_and_ratios():
    assert fmt.value(EN, "first_response_minutes_median_business", 38.642) == "39 min"
    assert fmt.value(EN, "first_response_minutes_median", 180) == "3.0 h"
    assert fmt.value(CY, "first_response_minutes_median", 180) == "3.0 awr"
    assert fmt.value(EN, "engagements_share_vs_hours_share", 0.44) == "×0.44"
    assert fmt.value(EN, "staff_hours", 96.083) == "96.1 h"
    assert fmt.value(EN, "followers", 5046) == "5,046"


@pytest.mark.parametrize(("kpi", "en", "cy"), [
    # the demo's goals (November 2026): hand-worked from value and target
    ({"metric": "unanswered_questions", "value": 28, "target": 10, "direction": "lower"},
     "2.8 times the limit", "2.8 gwaith y terfyn"),
    ({"metric": "first_response_minutes_median_business", "value": 38.6, "target": 480, "direction": "lower"},
     "8% of the limit", "8% o'r terfyn"),  # 38.6 / 480 = 0.080
    ({"metric": "followers", "value": 5046, "target": 5000, "direction": "higher"},
     "1% above the target", "1% uwchben y targed"),  # 46 / 5000 = 0.9% -> 1%
    ({"metric": "click_through_rate", "value": 0.00395, "target": 0.01, "direction": "higher"},
     "0.6 points short of the target", "0.6 pwynt yn brin o'r targed"),  # 1.0% - 0.395% = 0.605 points
    ({"metric": "engagement_rate_impressions", "value": 0.355, "target": 0.05, "direction": "higher"},
     "7.1 times the target", "7.1 gwaith y targed"),  # 0.355 / 0.05 = 7.1
    ({"metric": "followers", "value": None, "target": 5000, "direction": "higher"}, "", ""),
])
def test_goals_are_said_in_words(kpi, en, cy):
    assert fmt.goal_words(EN, kpi) == en
    assert fmt.goal_words(CY, kpi) == cy


def test_a_findings_effect_is_said_in_words_and_the_exact_figures_stay_out_of_it():
    f = {"effect": {"kind": "ratio", "value": 1.83}, "ci": [1.58, 2.12], "q_value": 0.0004}
    assert fmt.effect_words(EN, f) == "About 1.8 times as high; very unlikely to be chance"
    f = {"effect": {"kind": "ratio", "value": 0.31}, "ci": [0.19, 0.49], "q_value": 0.02}
    assert fmt.effect_words(EN, f) == "About 69% lower; probably not chance"  # 1 - 0.31
    assert fmt.effect_words(CY, f) == "Tua 69% yn is; mae'n debyg nad yw'n hap"
    f = {"effect": {"kind": "ratio", "value": 1.28}, "ci": [1.1, 1.49], "q_value": 0.005}
    assert fmt.effect_words(EN, f) == "About 28% higher; unlikely to be chance"


def test_evidence_names_metrics_and_platforms_as_people_do():
    assert fmt.evidence_header(EN, "engagement_rate_impressions") == "Engagement rate (by impressions)"
    assert fmt.evidence_header(EN, "ci_low") == "Interval from"
    assert fmt.evidence_cell(EN, "engagement_rate_impressions", 0.0881) == "8.8%"
    assert fmt.evidence_cell(EN, "group", "facebook") == "Facebook"
    assert fmt.evidence_cell(EN, "group", "video") == "video"


def _bars_finding() -> dict:
    spec = {"title": "Instagram: video vs image", "mark": "bar",
            "data": {"values": [{"group": "video", "value": 0.0881}, {"group": "image", "value": 0.0472}]},
            "encoding": {"x": {"field": "group", "type": "nominal"},
                         "y": {"field": "value", "type": "quantitative", "title": "engagements per impression"}}}
    return {"id": "a", "detector": "practice", "metric": "engagement_rate_impressions", "chart": spec,
            "effect": {"kind": "ratio", "value": 1.83}, "ci": [1.58, 2.12]}


def test_a_findings_chart_labels_both_groups_and_says_them_in_words():
    svg, alt, _caption = finding_chart(_bars_finding(), EN)
    # both groups' values written on the chart (as percentages: the metric is a rate)
    assert ">8.8%<" in svg and ">4.7%<" in svg
    assert alt == "Chart: video: 8.8%; image: 4.7%."
    assert 'role="img"' in svg and 'aria-label="Chart: video: 8.8%; image: 4.7%."' in svg


def test_a_goals_chart_has_a_whisker_for_the_values_interval():
    """Success findings: value / target = ratio with a 95% interval; the value's interval is
    the target times it: 10 × 1.86 = 18.6 and 10 × 4.05 = 40.5."""
    spec = {"mark": "bar", "data": {"values": [{"what": "target", "value": 10}, {"what": "November 2026", "value": 28}]},
            "encoding": {"x": {"field": "what", "type": "nominal"},
                         "y": {"field": "value", "type": "quantitative", "title": "unanswered_questions"}}}
    f = {"id": "b", "detector": "success", "metric": "unanswered_questions", "chart": spec,
         "effect": {"kind": "ratio", "value": 2.8}, "ci": [1.86, 4.05]}
    svg, alt, _caption = finding_chart(f, EN)
    assert alt == "Chart: target: 10; November 2026: 28 (95% interval 18.6 to 40.5)."
    assert "Unanswered questions" in svg  # the axis says the metric's name, not its id
    _svg, alt_cy, _caption = finding_chart(f, CY)
    assert alt_cy == "Siart: target: 10; November 2026: 28 (cyfwng 95% 18.6 i 40.5)."


def test_the_trend_starts_where_the_data_starts():
    months = ["2025-10", "2025-11", "2025-12", "2026-01"]
    rows = [{"month": m, "platform": "X (Twitter)", "platform_id": "x", "measure": "posts", "value": v}
            for m, v in zip(months, [0, 0, 4, 5], strict=True)]
    rows += [{"month": m, "platform": "Mastodon", "platform_id": "mastodon", "measure": "posts", "value": v}
             for m, v in zip(months, [0, 0, 0, 2], strict=True)]
    out, keep = from_first(rows, months, {"x": "2025-12-03", "mastodon": "2026-01-10"})
    assert keep == ["2025-12", "2026-01"]  # nothing before the first platform's first day
    got = {(r["platform_id"], r["month"]): r["value"] for r in out}
    assert got == {("x", "2025-12"): 4, ("x", "2026-01"): 5,
                   ("mastodon", "2025-12"): None, ("mastodon", "2026-01"): 2}  # a gap, not 0


def test_the_currency_comes_from_the_profile(tmp_path):
    from smi.profile import Organisation

    assert Organisation(name="A").currency == "GBP"
    assert Organisation(name="A", currency="eur").currency == "EUR"
    with pytest.raises(ValueError, match="ISO 4217"):
        Organisation(name="A", currency="pounds")


def test_detector_sentences_name_metrics_and_platforms_but_keep_commands():
    text = ("unanswered_questions was 28; facebook answers slowly "
            "(`smi metric engagement_rate_impressions --platform facebook`).")
    assert fmt.plain_text(text) == (
        "Unanswered questions was 28; Facebook answers slowly "
        "(`smi metric engagement_rate_impressions --platform facebook`).")
    assert fmt.plain_text("Posts in the summer") == "Posts in the summer"  # words that are also ids stay


def test_a_goals_evidence_reads_its_kpi_as_the_scorecard_does():
    # success findings hold the KPI's value in a "value" column: 0.00395 of click_through_rate is 0.4%
    assert fmt.evidence_cell(EN, "value", 0.00395, value_metric="click_through_rate") == "0.4%"
    assert fmt.evidence_cell(EN, "value", 9.39) == "9.39"  # any other finding's value as it is


def test_a_welsh_charts_caption_says_the_detectors_groups_in_welsh_and_names_as_they_are():
    # groups are messages (smi.insights.finding.bar_chart): said in Welsh; a plain group is a name
    from smi.insights.finding import bar_chart
    from smi.messages import M

    f = _bars_finding()
    f["chart"] = bar_chart("t", [{"group": M("video posts"), "value": 0.0881},
                                 {"group": "Dafydd Rowlands", "value": 0.0472}], "group", "value", "")
    _svg, _alt, caption = finding_chart(f, CY)
    assert str(caption) == "Siart: postiadau fideo: 8.8%; Dafydd Rowlands: 4.7%."
