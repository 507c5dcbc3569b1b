"""Numbers and goal statements as people read them, in the report's language.

A metric's value reads the way its catalogue entry says (smi.labels.display):
"0.4%" for a rate of 0.00395, "£1,682.70" for a staff cost (the profile's currency),
"42 min" / "3.1 h" for a response time, "×1.7" for a ratio of two like things. Goals are
said in words: "7.1 times the target", "12% short of the target", "within the limit".
"""

from __future__ import annotations

import re
from typing import Any

from babel.numbers import format_currency, format_decimal

from smi.labels import display, label
from smi.report.i18n import N_, Words

DEFAULT_CURRENCY = "GBP"


def percent(w: Words, v: float | None) -> str:
    """A 0–1 share or rate as a percentage: 0.00395 -> '0.4%', 0.0585 -> '5.9%', 0.243 -> '24%'.
    Below 1% two significant places are kept (0.00042 -> '0.042%'), so a small rate never reads 0."""
    if v is None:
        return w.not_available()
    p = 100.0 * v
    a = abs(p)
    if a == 0:
        pattern = "0"
    elif a >= 10:
        pattern = "#,##0"
    elif a >= 0.1:
        pattern = "0.0"
    else:
        pattern = "0.0##"
    return format_decimal(p, format=pattern, locale=w.locale) + "%"


def money(w: Words, v: float | None, currency: str = DEFAULT_CURRENCY) -> str:
    """'£1,682.70' (the currency's symbol in the report's locale)."""
    if v is None:
        return w.not_available()
    return format_currency(v, currency, locale=w.locale)


def decimal(w: Words, v: float | None) -> str:
    """A count or an average: whole numbers as they are ('1,234'), others to one decimal,
    or two significant places below 1 (0.042) so a small figure never reads 0.0."""
    if v is None:
        return w.not_available()
    if isinstance(v, int) or float(v).is_integer():
        return format_decimal(int(v), format="#,##0", locale=w.locale)
    if abs(v) < 1:
        return format_decimal(v, format="0.0#", locale=w.locale)
    return format_decimal(v, format="#,##0.0", locale=w.locale)


def minutes(w: Words, v: float | None) -> str:
    """'42 min' under two hours, else '3.1 h'."""
    if v is None:
        return w.not_available()
    if v < 120:
        return w._("%(n)s min", n=format_decimal(round(v), format="#,##0", locale=w.locale))
    return w._("%(n)s h", n=format_decimal(v / 60, format="#,##0.0", locale=w.locale))


def times(w: Words, v: float | None) -> str:
    """A ratio of two like things: '×1.7'."""
    if v is None:
        return w.not_available()
    return "×" + format_decimal(v, format="#,##0.0#" if abs(v) < 10 else "#,##0", locale=w.locale)


def value(w: Words, metric: str, v: float | None, currency: str = DEFAULT_CURRENCY) -> str:
    """`v` of catalogue metric `metric` as the reader sees it (see the module docstring)."""
    kind = display(metric)
    if v is None:
        return w.not_available()
    if kind == "percent":
        return percent(w, v)
    if kind == "currency":
        return money(w, v, currency)
    if kind == "minutes":
        return minutes(w, v)
    if kind == "hours":
        return w._("%(n)s h", n=format_decimal(v, format="#,##0.#", locale=w.locale))
    if kind == "times":
        return times(w, v)
    return decimal(w, v)


def signed_value(w: Words, metric: str, v: float | None, currency: str = DEFAULT_CURRENCY) -> str:
    """A change of metric `metric`: '+£29.83', '-3 min', '+1.2 points' (a percentage's change
    is in points); '0' for none; '–' when not available."""
    if v is None:
        return "–"
    if not v:
        return "0"
    sign = "+" if v > 0 else "-"
    if display(metric) == "percent":
        return sign + w._("%(n)s points", n=format_decimal(abs(v) * 100, format="#,##0.0", locale=w.locale))
    return sign + value(w, metric, abs(v), currency)


def name(w: Words, metric: str) -> str:
    """The metric's display name in the report's language."""
    return w._(label(metric))


GOAL_WORDS = {
    "times": N_("%(n)s times the target"),
    "above": N_("%(pct)s above the target"),
    "short": N_("%(pct)s short of the target"),
    "points_above": N_("%(n)s points above the target"),
    "points_short": N_("%(n)s points short of the target"),
    "on": N_("exactly on the target"),
    "share": N_("%(pct)s of the limit"),
    "under": N_("%(pct)s under the limit"),
    "points_under": N_("%(n)s points under the limit"),
    "over": N_("%(pct)s over the limit"),
    "points_over": N_("%(n)s points over the limit"),
    "times_over": N_("%(n)s times the limit"),
}


def goal_words(w: Words, kpi: dict[str, Any]) -> str:
    """Where a KPI's value stands against its target, in words: '7.1 times the target',
    '12% short of the target'; a percentage by points ('0.6 points short of the target': 0.4%
    against 1.0%); a 'lower' target is a limit: '8% of the limit' (at half of it or less, said
    as a share: a new reader took 'less than half' for vague), '2.8 times the limit'. '' when the value is not available or the target is 0."""
    v, t = kpi.get("value"), kpi.get("target")
    if v is None or not t:
        return ""
    r = v / t
    n = format_decimal(r, format="#,##0.0", locale=w.locale)
    pct = format_decimal(abs(r - 1) * 100, format="#,##0", locale=w.locale) + "%"
    points = format_decimal(abs(v - t) * 100, format="#,##0.0", locale=w.locale)
    as_points = display(kpi.get("metric", "")) == "percent"
    if round(abs(r - 1) * 100) == 0 and not (as_points and round(abs(v - t) * 1000)):
        return w._(GOAL_WORDS["on"])
    if kpi.get("direction") == "lower":
        if r < 1:
            if r <= 0.5 and not as_points:
                share = format_decimal(r * 100, format="#,##0", locale=w.locale) + "%"
                return w._(GOAL_WORDS["share"], pct=share)
            return w._(GOAL_WORDS["points_under"], n=points) if as_points else w._(GOAL_WORDS["under"], pct=pct)
        if r >= 2:
            return w._(GOAL_WORDS["times_over"], n=n)
        return w._(GOAL_WORDS["points_over"], n=points) if as_points else w._(GOAL_WORDS["over"], pct=pct)
    if r >= 2:
        return w._(GOAL_WORDS["times"], n=n)
    if as_points:
        return w._(GOAL_WORDS["points_above" if r > 1 else "points_short"], n=points)
    return w._(GOAL_WORDS["above"], pct=pct) if r > 1 else w._(GOAL_WORDS["short"], pct=pct)


# -- findings: the effect in words, the exact figures in a footnote ---------------------------
EFFECT_WORDS = {
    "times": N_("about %(n)s times as high"),
    "higher": N_("about %(pct)s higher"),
    "lower": N_("about %(pct)s lower"),
    "same": N_("about the same"),
    "diff_up": N_("%(n)s higher"),
    "diff_down": N_("%(n)s lower"),
}
CERTAINTY = (
    (0.001, N_("very unlikely to be chance")),
    (0.01, N_("unlikely to be chance")),
    (1.01, N_("probably not chance")),
)


def effect_words(w: Words, f: dict[str, Any]) -> str:
    """A finding's effect and how sure it is, in words: 'about 1.8 times as high; very unlikely
    to be chance'. The exact ratio, interval and q-value go in the footnote (effect_exact)."""
    eff = f.get("effect") or {}
    v = eff.get("value")
    if v is None:
        return ""
    if eff.get("kind") == "ratio":
        if v >= 1.5:
            text = w._(EFFECT_WORDS["times"], n=format_decimal(v, format="#,##0.#", locale=w.locale))
        elif round(abs(v - 1) * 100) == 0:
            text = w._(EFFECT_WORDS["same"])
        else:
            pct = format_decimal(abs(v - 1) * 100, format="#,##0", locale=w.locale) + "%"
            text = w._(EFFECT_WORDS["higher" if v > 1 else "lower"], pct=pct)
    else:
        n = decimal(w, abs(v))
        text = w._(EFFECT_WORDS["diff_up" if v >= 0 else "diff_down"], n=n)
    q = f.get("q_value")
    if q is not None:
        sure = next(words for limit, words in CERTAINTY if q < limit)
        text = f"{text}; {w._(sure)}"
    return text[:1].upper() + text[1:]


EVIDENCE_WORDS = {
    "group": N_("Group"), "what": N_("What"), "value": N_("Value"), "posts": N_("Posts"),
    "ratio": N_("Ratio"), "ci_low": N_("Interval from"), "ci_high": N_("Interval to"),
    "hours": N_("Hours"), "engagements": N_("Engagements"), "engagements_per_hour": N_("Engagements per hour"),
    "answered": N_("Answered"), "median_hours": N_("Median hours"), "mean": N_("Average"),
    "share": N_("Share"), "period": N_("Period"), "weeks": N_("Weeks"), "n": N_("Count"),
    "count": N_("Count"), "days": N_("Days"), "texts": N_("Texts"), "with_topic": N_("About it"), "of": N_("Of"),
    "unanswered": N_("Unanswered"), "message": N_("Message"), "with_word": N_("With the word"),
    "inbound": N_("Comments and messages to you"), "questions": N_("Questions"), "over_target": N_("Over the target"),
    "target": N_("Target"), "kpi": N_("KPI"), "met": N_("Met"), "per_day": N_("A day"),
    "handles_reached": N_("Handles reached"), "held_by": N_("Held by"), "counterpart": N_("Who"),
    "platform": N_("Platform"), "see": N_("See"), "finding": N_("Finding"), "expected": N_("Expected"),
    "day": N_("Day"), "posts_a_day": N_("Posts a day"), "engagements_per_impression": N_("Engagements per impression"),
    "messages": N_("Messages"), "word": N_("Word"),
}


def evidence_header(w: Words, column: str) -> str:
    """An evidence table's column as a heading: a catalogue metric by its display name."""
    from smi.labels import LABELS

    if column in LABELS:
        return name(w, column)
    if column in EVIDENCE_WORDS:
        return w._(EVIDENCE_WORDS[column])
    return column.replace("_", " ").capitalize()


def evidence_header_known(column: str) -> bool:
    """True when the column has a translated heading (a catalogue metric or a known word)."""
    from smi.labels import LABELS

    return column in LABELS or column in EVIDENCE_WORDS


def evidence_cell(w: Words, column: str, v: Any, currency: str = DEFAULT_CURRENCY,
                  value_metric: str | None = None) -> str:
    """An evidence cell: a catalogue metric's value as it reads (0.0881 -> '8.8%'), a platform
    id by its name ('facebook' -> 'Facebook'), other numbers as they are. `value_metric`: the
    catalogue metric a "value" column holds (a goal's KPI), read the same way."""
    from smi.labels import LABELS
    from smi.platforms import PLATFORMS
    from smi.report.insights import cell_text

    if column == "value" and value_metric in LABELS:
        column = str(value_metric)
    if column in LABELS and isinstance(v, (int, float)) and not isinstance(v, bool):
        return value(w, column, v, currency)
    if isinstance(v, str) and v in PLATFORMS:
        return PLATFORMS[v]
    if column == "kpi" and isinstance(v, str) and v in LABELS:
        return name(w, v)
    if column == "met" and isinstance(v, bool):
        return w._("yes") if v else w._("no")
    return cell_text(v, w)


_CODE = re.compile(r"(`[^`]*`)")


def plain_text(text: str | None) -> str:
    """A detector's English sentence with catalogue ids said as names ("unanswered_questions"
    -> "Unanswered questions") and platform ids capitalised ("facebook" -> "Facebook");
    `code spans` (commands to copy) are left as they are."""
    from smi.labels import LABELS
    from smi.platforms import PLATFORMS

    if not text:
        return text or ""
    ids = sorted((n for n in LABELS if "_" in n), key=len, reverse=True)
    metric_re = re.compile(r"\b(" + "|".join(map(re.escape, ids)) + r")\b")
    names = [p for p in PLATFORMS if len(p) > 2]
    platform_re = re.compile(r"\b(" + "|".join(names) + r")\b")
    parts = _CODE.split(text)
    for i, part in enumerate(parts):
        if i % 2:  # a code span
            continue
        part = metric_re.sub(lambda m: LABELS[m.group(1)][0], part)
        parts[i] = platform_re.sub(lambda m: PLATFORMS[m.group(1)], part)
    return "".join(parts)
