"""The month the dashboard shows: the one call into the library that computes it.

Today the report's pieces (smi.report.model.build_model + smi.report.insights.gather);
when smi.monthly.run_month lands, only `compute_month` changes.
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
    reason: str  # why this month (when none was asked for)
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
                  findings: dict[str, dict[str, Any]] | None = None) -> MonthView:
    """Compute the month (`None`: the default month, smi.metrics.months.choose_month) with
    its key figures and findings, reasons written in `lang`. Stores the month's findings
    (as `smi report` does): call it under the workspace's writer lock. `findings` caches
    the month's findings by month across languages (they do not depend on it)."""
    from smi.metrics.months import choose_month, data_span
    from smi.report.insights import gather
    from smi.report.model import build_model

    chosen = choose_month(ws, month)
    model = build_model(ws, chosen.period, Words(lang))
    cache = findings if findings is not None else {}
    if chosen.period.key not in cache:
        cache[chosen.period.key] = gather(ws, chosen.period.key)
    for key, value in cache[chosen.period.key].items():
        setattr(model, key, value)
    return MonthView(chosen.period.key, chosen.reason, model, month_keys(*data_span(ws)))
