"""The month the dashboard shows: the one call into the library that computes it.

The month object (smi.monthly.run_month), shown through the report's model
(smi.report.model.model_from_month): the web app and the report render the same object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from smi.report.i18n import Words


@dataclass
class MonthView:
    """What the dashboard renders for one month in one language."""

    key: str  # YYYY-MM
    reason: Any  # why this month (when none was asked for): a message (smi.messages) or English text
    model: Any  # smi.report.model.ReportModel with the findings gathered
    months: list[str] = field(default_factory=list)  # every month with data, newest first


def month_keys(first: date | None, last: date | None) -> list[str]:
    """Every month from `first` to `last`, newest first."""
    if first is None or last is None:
        return []
    out = []
    y, m = last.year, last.month
    while (y, m) >= (first.year, first.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out


def compute_month(ws: Any, month: str | None, lang: str,
                  findings: dict[str, Any] | None = None) -> MonthView:
    """The month (`None`: the default month, smi.metrics.months.choose_month) as the report
    sees it, in `lang`: the month object (smi.monthly.run_month: computed once, stored
    findings, cached by the data it read) rendered by the report's model. Call it under the
    workspace's writer lock. `findings` keeps each month's object across languages (the
    object does not depend on the language)."""
    from smi.metrics.months import choose_month, data_span
    from smi.monthly import run_month
    from smi.report.model import model_from_month

    chosen = choose_month(ws, month)
    key = chosen.period.key
    cache = findings if findings is not None else {}
    if key not in cache:
        cache[key] = run_month(ws, key)
    model = model_from_month(cache[key], Words(lang))
    return MonthView(key, chosen.said or chosen.reason, model, month_keys(*data_span(ws)))
