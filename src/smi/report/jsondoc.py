"""The report as JSON: every figure it shows, keys sorted, numbers as numbers, a number that
is not available as null beside its reason. No timestamp of its own: the same workspace and
month give the same bytes."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from smi.report.model import ReportModel
from smi.report.render import sections

SCHEMA = 1


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def report_data(model: ReportModel) -> dict[str, Any]:
    platforms = []
    for block in model.platforms:
        figures = []
        for f in block.figures:
            pct = f.change_pct
            figures.append({
                "metric": f.metric.name,
                "current": f.current, "current_reason": f.reason,
                "previous": f.previous, "previous_reason": f.previous_reason,
                "change": f.change,
                "change_pct": None if pct is None else round(pct, 4),
                "staff": f.staff,
            })
        platforms.append({"platform": block.platform, "title": block.title,
                          "first_day": block.first, "last_day": block.last, "figures": figures})
    imports = [{
        "import_id": i["import_id"], "name": i["name"], "source": i["source"],
        "files": [f["name"] for f in i["files"]],
        "imported_at": i["finished_at"], "observed_at": i["observed_at"],
        "new_rows": sum(c.get("new") or 0 for c in i["counts"].values()),
        "warnings": list(i["warnings"]),
    } for i in model.imports]
    keys = ("post_key", "platform", "account_id", "date", "kind", "excerpt", "url", "engagements", "impressions",
            "reach", "engagement_rate")
    top = [{k: p.get(k) for k in keys} for p in model.top_posts]
    return _plain({
        "schema": SCHEMA,
        "language": model.lang,
        "organisation": model.organisation,
        "timezone": model.timezone,
        "month": model.period.key,
        "month_start": model.period.start,
        "month_last_day": model.period.last_day,
        "previous_month": model.previous.key,
        "sections": [i for i, _ in sections(model)],
        "findings": model.findings,
        "questions": {q["question"]: [f["id"] for f in q["findings"]] for q in model.questions},
        "resolved": model.resolved,
        "actions": model.actions,
        "experiments": model.experiments,
        "key_figures": platforms,
        "scorecard": model.scorecard,
        "purposes": model.purposes,  # Q1 by purpose (smi.purpose_q1); {}: no purposes set yet
        "kpis": model.kpis,
        "learned": [f["id"] for f in model.learned],
        "actions_due": [a["id"] for a in model.actions_due],
        "meeting": model.meeting,
        "evaluation_chain": [{"stage": st["stage"], "rows": st["rows"]} for st in model.chain],
        "learning": model.learning,
        "initiatives": model.initiatives,  # the board and what moved since the last meeting; {}: none
        "relationships": model.relationships,  # the month's relationship map; {}: no message
        "trend": {"months": model.trend_months,
                  "rows": [{k: r[k] for k in ("month", "platform_id", "measure", "value")}
                           for r in model.trend]},
        "top_posts": top,
        "platform_top": [{k: p.get(k) for k in keys} for p in model.platform_top],
        "best_times": model.best_times,
        "coverage": {"imports": imports, "sources": model.source_titles,
                     "observed_until": model.observed_until,
                     "undated_posts": {u["platform_id"]: u["count"] for u in model.undated_posts},
                     "not_available": [{"platform": u["platform_id"], "metric": u["metric"],
                                        "reason": u["reason"]} for u in model.unavailable]},
        "metrics": [{"name": m.name, "unit": m.unit, "description": m.description,
                     "formula": m.formula} for m in model.metrics],
    })


def render_json(model: ReportModel) -> bytes:
    text = json.dumps(report_data(model), sort_keys=True, ensure_ascii=False, indent=2,
                      allow_nan=False)
    return (text + "\n").encode("utf-8")
