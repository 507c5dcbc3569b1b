"""The dashboard's findings: filters (question, platform, status, as plain GET parameters),
each finding's chart (the report's inline SVG: no script) and evidence table, one page per
finding with the buttons that turn it into an action or an experiment, and one page per
metric with its formula from the catalogue (every figure links to it).

`routes(srv)` gives the Route lines for smi.web.app and adds the helpers the dashboard's
template uses (`findings_view`, `finding_charts`) to the server's Jinja environment.
"""

from __future__ import annotations

import threading
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from smi.report.i18n import N_

STATUSES = {"new": N_("new"), "continuing": N_("continuing"), "resolved": N_("resolved")}
QUESTIONS = ("Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "blind_spot")


def finding_platforms(f: dict[str, Any]) -> list[str]:
    """The platforms a finding is about: its subject's platform (or the subject itself when
    it compares platforms), else the platforms of the figures it quotes; [] when it is
    about all of them."""
    subject = f.get("subject") or {}
    found: list[str] = []
    if subject.get("platform"):
        found.append(str(subject["platform"]))
    if subject.get("dimension") == "platform" and subject.get("value"):
        found.append(str(subject["value"]))
    if not found:
        for fig in f.get("figures") or []:
            if fig.get("platform"):
                found.append(str(fig["platform"]))
    return sorted(set(found))


def filter_findings(findings: list[dict[str, Any]], question: str | None = None,
                    platform: str | None = None, status: str | None = None) -> list[dict[str, Any]]:
    """The findings that match every filter given (an empty filter matches all)."""
    out = []
    for f in findings:
        if question and f.get("question") != question:
            continue
        if status and f.get("status") != status:
            continue
        if platform and platform not in finding_platforms(f):
            continue
        out.append(f)
    return out


def findings_view(model: Any, query: str) -> dict[str, Any]:
    """What the dashboard's findings section shows for the request's filters (`query`, the
    URL's query string): the choices each filter offers (those present this month), the
    chosen values and the matches."""
    from urllib.parse import parse_qs

    params = parse_qs(query or "")
    findings = list(model.findings)
    chosen = {k: (params.get(k) or [""])[0].strip() for k in ("question", "platform", "status")}
    questions = [q for q in QUESTIONS if any(f.get("question") == q for f in findings)]
    platforms = sorted({p for f in findings for p in finding_platforms(f)})
    statuses = [s for s in STATUSES if any(f.get("status") == s for f in findings)]
    shown = filter_findings(findings, chosen["question"] or None, chosen["platform"] or None,
                            chosen["status"] or None)
    return {"questions": questions, "platforms": platforms, "statuses": statuses, "chosen": chosen,
            "shown": shown, "total": len(findings), "filtered": any(chosen.values())}


_CHARTS_LOCK = threading.Lock()


def finding_charts(model: Any, w: Any) -> dict[str, dict[str, Any]]:
    """Each finding's chart (inline SVG and its text alternative), as the report draws it;
    drawn once per month view and language (drawing them took ~1.4 s a page: a page view
    must not redraw them). The model is made once per month and data version (smi.web.hosts
    Host.month), so keeping the charts with it keys them by the data they show."""
    from smi.report.render import finding_charts as charts

    with _CHARTS_LOCK:
        got = getattr(model, "_web_charts", {}).get(w.lang)
    if got is None:
        got = charts(model, w)
        with _CHARTS_LOCK:
            kept = getattr(model, "_web_charts", None)
            if kept is None:
                kept = {}
                model._web_charts = kept  # on the object: it goes when the model goes
            kept[w.lang] = got
    return got


def finding_text(f: dict[str, Any], part: str, w: Any) -> str:
    """A finding's title, summary or recommendation as the report says it, in the page's
    language: its messages rendered through the report's catalogue (smi.report.insights.say,
    smi.messages), catalogue ids said as names (smi.report.fmt.plain_text)."""
    from smi.report.fmt import plain_text
    from smi.report.insights import say

    return plain_text(say(f, part, w))


def question_title(q: str, w: Any) -> str:
    from smi.report.insights import QUESTION_SECTIONS

    for code, _sid, title in QUESTION_SECTIONS:
        if code == q:
            return w._(title)
    return q


def routes(srv: Any) -> list[Route]:
    srv.env.globals.update(findings_view=findings_view, finding_charts=finding_charts,
                           finding_platforms=finding_platforms, question_title=question_title,
                           finding_statuses=STATUSES, finding_metrics=metric_names, finding_text=finding_text)
    from smi.report import fmt

    srv.env.globals["fmt"] = fmt

    async def finding_page(request: Request) -> Response:
        """One finding of a month, with its chart, evidence, figures and formula links, and
        (for those who may) the forms that make it an action or an experiment."""
        from smi.practice.evaluate import JUDGED
        from smi.web.meeting import can_act, prefill_action, prefill_experiment

        s = srv.require(request)
        host = srv.host(s, request.path_params["ws"])
        month = request.query_params.get("month") or None
        view, waiting = month_or_wait(srv, request, s, host, month)
        if waiting is not None:
            return waiting
        fid = request.path_params["fid"]
        f = next((x for x in view.model.findings if x.get("id") == fid), None)
        if f is None:
            raise HTTPException(404, N_("no such finding this month"))
        w = srv.words(request, s)
        from smi.report import insights

        return srv.page(request, "finding.html", s, ws=host.name, view=view, f=f,
                        month_title=w.month(view.key), ins=insights,
                        chart=finding_charts(view.model, w).get(fid),
                        can_act=can_act(s, host.name), action=prefill_action(f, w=w),
                        experiment=prefill_experiment(f, w=w), metrics=metric_names(f), judged=sorted(JUDGED))

    async def metric_page(request: Request) -> Response:
        """A metric's formula, unit, inputs and platforms, from the catalogue."""
        from smi.labels import label
        from smi.metrics.registry import load_all

        s = srv.require(request)
        host = srv.host(s, request.path_params["ws"])
        name = request.path_params["name"]
        catalogue = load_all()
        m = catalogue.get(name)
        if m is None:
            raise HTTPException(404, N_("there is no metric by that name in the catalogue"))
        return srv.page(request, "metric.html", s, ws=host.name, m=m, label=label(name))

    return [
        Route("/w/{ws}/findings/{fid}", finding_page),
        Route("/w/{ws}/metrics/{name}", metric_page),
    ]


def metric_names(f: dict[str, Any]) -> list[str]:
    """The catalogue metrics a finding rests on (its own and those its figures quote)."""
    from smi.metrics.registry import load_all

    catalogue = load_all()
    names = [f.get("metric")] + [fig.get("metric") for fig in f.get("figures") or []]
    out: list[str] = []
    for n in names:
        if n and n in catalogue and n not in out:
            out.append(n)
    return out


def month_or_wait(srv: Any, request: Request, s: Any, host: Any, month: str | None,
                  optional: bool = False) -> tuple[Any, Response | None]:
    """The month's view when it is computed; else (None, the "working it out" page, polling),
    the month being computed off the request thread as the dashboard does. When the month
    cannot be computed (no data yet): a 409 page, or with `optional` (None, None) and the
    reason in request.state.month_error."""
    from smi.web.app import _is_month

    if month is not None and not _is_month(month):
        raise HTTPException(400, N_("month must be YYYY-MM, e.g. 2026-10"))
    w = srv.words(request, s)
    host.notice_outside()  # `smi import` or an edit while the server runs: work the month out again
    view = srv._cached_month(host, month, w.lang)
    if view is not None:
        return view, None
    err = srv.month_error(host, month, w.lang)
    if err is not None:
        if optional:
            request.state.month_error = f"{err.message}. {err.fix or ''}".strip()
            return None, None
        raise HTTPException(409, f"{err.message}. {err.fix or ''}".strip())
    srv._start_month(host, month, w.lang)
    return None, srv.page(request, "computing.html", s, ws=host.name, month=month,
                          poll=str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""))
