"""The meeting room: an agenda drawn from the month's findings and the last meeting's
actions; meetings with their notes; actions (owner, due date, open, in progress, done or dropped) and experiments
(hypothesis, measure, start, end), each made in one click from a finding with its fields
filled in from it. Every change goes through the library the CLI's `meeting`, `action` and
`experiment` commands use (smi.practice), on the same store, under the workspace's writer
lock. Viewers read; members, advisers and admins of the workspace write.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from smi.errors import SmiError
from smi.practice.actions import STATUSES, UNFINISHED
from smi.report.i18n import N_

BUSY_WAIT = 10  # seconds a request waits for the workspace's writer lock
ACTION_DAYS = 14  # an action made from a finding is due this many days on
EXPERIMENT_DAYS = 28  # an experiment made from a finding runs four weeks from today


def can_act(s: Any, workspace: str) -> bool:
    """Members, advisers and admins of the workspace record meetings, actions, experiments."""
    return s.user.role in ("admin", "adviser", "member") and s.user.can_view(workspace)


def _said(f: dict[str, Any], part: str, w: Any) -> str:
    """A finding's text in the page's language (smi.report.insights.say); English without `w`."""
    if w is None or not f.get(part):
        return str(f.get(part) or "")
    from smi.report.insights import say

    return say(f, part, w)


def prefill_action(f: dict[str, Any], today: date | None = None, w: Any = None) -> dict[str, str]:
    """An action's fields from a finding: its recommendation (else its title) as the title,
    in the page's language (`w`), due in two weeks, linked to the finding's id."""
    today = today or date.today()
    title = (_said(f, "recommendation", w) or _said(f, "title", w)).strip()
    return {"title": title[:300], "due": (today + timedelta(days=ACTION_DAYS)).isoformat(),
            "finding": str(f.get("id") or "")}


def prefill_experiment(f: dict[str, Any], today: date | None = None, w: Any = None) -> dict[str, str]:
    """An experiment's fields from a finding: its title, the recommendation as hypothesis,
    the finding's metric as the measure, its subject as DIM=VALUE (and platform), four
    weeks from today. Fields it cannot fill are left empty for the user."""
    from smi.practice.evaluate import JUDGED
    from smi.practice.experiments import DIM_ALIASES, SUBJECT_DIMS

    today = today or date.today()
    subject = f.get("subject") or {}
    dim, value = subject.get("dimension"), subject.get("value")
    dim = DIM_ALIASES.get(str(dim), dim)
    if dim not in SUBJECT_DIMS:  # e.g. a goal: not something a post has
        dim = value = None
    platform = subject.get("platform") if dim != "platform" else None
    metric = f.get("metric") if f.get("metric") in JUDGED else ""
    return {"title": _said(f, "title", w)[:300], "hypothesis": _said(f, "recommendation", w),
            "metric": str(metric or ""), "subject": f"{dim}={value}" if dim and value is not None else "",
            "platform": str(platform or ""), "from": today.isoformat(),
            "to": (today + timedelta(days=EXPERIMENT_DAYS - 1)).isoformat()}


def status_word(status: str, w: Any) -> str:
    """An action's status in the page's language, in the report's words (smi.report.insights)."""
    from smi.report.insights import ACTION_STATUS

    return w.t.gettext(ACTION_STATUS[status]) if status in ACTION_STATUS else status


def agenda(findings: list[dict[str, Any]], meetings: list[Any], actions: list[Any],
           today: date | None = None) -> dict[str, Any]:
    """The meeting's agenda: the last meeting's actions (each with its status), then the
    other actions still open, then the month's findings in their ranked order; `overdue`:
    the ids of the actions overdue at the end of yesterday, the last whole day (the report's
    rule, smi.action_rules.is_overdue, with the month's last day there)."""
    from smi.action_rules import is_overdue

    last = meetings[-1] if meetings else None
    from_last = [a for a in actions if last is not None and a.meeting_id == last.meeting_id]
    other_open = [a for a in actions if a.status in UNFINISHED and a not in from_last]
    yesterday = (today or date.today()) - timedelta(days=1)
    overdue = {a.action_id for a in actions if is_overdue(a.status, a.due.isoformat() if a.due else None, yesterday)}
    return {"last": last, "from_last": from_last, "other_open": other_open, "findings": list(findings),
            "overdue": overdue}


def room_records(host: Any) -> dict[str, Any]:
    """Meetings, actions, experiments and the people of the profile (waits for the writer
    lock: call it off the event loop)."""
    from smi.practice.actions import list_actions
    from smi.practice.experiments import list_experiments
    from smi.practice.meetings import list_meetings

    with host.open(wait=BUSY_WAIT) as ws:
        return {"meetings": list_meetings(ws), "actions": list_actions(ws),
                "experiments": list_experiments(ws), "people": [p.name for p in ws.profile.people]}


def _text(form: Any, name: str) -> str:
    return str(form.get(name) or "").strip()


def _back(form: Any) -> str:
    """"month=YYYY-MM&" when the form came from a month's page (the meeting room then shows
    the month already worked out, not the default one); else ""."""
    month = _text(form, "month")
    return f"month={month}&" if re.fullmatch(r"\d{4}-\d{2}", month) else ""


def routes(srv: Any) -> list[Route]:
    from smi.web.findings import month_or_wait

    def allowed(request: Request) -> tuple[Any, Any]:
        s = srv.require(request)
        host = srv.host(s, request.path_params["ws"])
        return s, host

    async def write(request: Request, s: Any, host: Any, what: str, fn: Any, detail: Any = None) -> Any:
        """Run `fn(ws)` under the writer lock off the event loop; a user error becomes a
        400 page naming the field and the fix. The month the dashboard shows is kept: its
        figures and findings do not read these records (the meeting room reads them itself,
        and a report generated after works the month out again with them)."""
        def run() -> Any:
            with host.open(wait=BUSY_WAIT) as ws:
                return fn(ws)
        try:
            result = await run_in_threadpool(run)
        except SmiError as e:
            raise HTTPException(400, f"{e.message}. {e.fix or ''}".strip()) from None
        srv.users.audit(s.user.email, host.name, what,
                        detail(result) if detail is not None else {"result": str(result)[:500]})
        return result

    async def room(request: Request) -> Response:
        from smi.practice.evaluate import JUDGED

        s, host = allowed(request)
        month = request.query_params.get("month") or None
        view, waiting = month_or_wait(srv, request, s, host, month, optional=True)
        if waiting is not None:
            return waiting
        w = srv.words(request, s)
        try:
            rec = await run_in_threadpool(room_records, host)
        except SmiError as e:
            raise HTTPException(503, f"{e.message}: {e.fix or ''}") from None
        from smi.report import insights

        return srv.page(request, "meeting.html", s, ws=host.name, view=view,
                        statuses=STATUSES, unfinished=UNFINISHED, status_word=status_word,
                        month_title=w.month(view.key) if view else "",
                        month_error=getattr(request.state, "month_error", None),
                        agenda=agenda(view.model.findings if view else [], rec["meetings"], rec["actions"]),
                        ins=insights,
                        rec=rec, can_act=can_act(s, host.name), judged=sorted(JUDGED),
                        today=date.today().isoformat(), added=request.query_params.get("added"))

    def need_act(s: Any, host: Any) -> None:
        if not can_act(s, host.name):
            raise HTTPException(403, N_("your role cannot change meetings, actions or experiments here"))

    async def add_meeting(request: Request) -> Response:
        from smi.practice.meetings import add_meeting as add

        s, host = allowed(request)
        need_act(s, host)
        form = await srv.form(request, s)
        notes = _text(form, "notes")[:20000] or None
        m = await write(request, s, host, "meeting added",
                        lambda ws: add(ws, _text(form, "date"), _text(form, "attendees"), notes=notes))
        return RedirectResponse(f"/w/{host.name}/meeting?added=meeting-{m.meeting_id}#meetings", status_code=303)

    async def add_action(request: Request) -> Response:
        from smi.practice.actions import add_action as add

        s, host = allowed(request)
        need_act(s, host)
        form = await srv.form(request, s)
        meeting = _text(form, "meeting")
        if meeting and not meeting.isdigit():
            raise HTTPException(400, N_("meeting: choose a meeting from the list"))
        a, _warnings = await write(request, s, host, "action added", lambda ws: add(
            ws, _text(form, "title"), owner=_text(form, "owner") or None, due=_text(form, "due") or None,
            meeting_id=int(meeting) if meeting else None, finding_id=_text(form, "finding") or None))
        return RedirectResponse(f"/w/{host.name}/meeting?{_back(form)}added=action-{a.action_id}#actions", status_code=303)

    async def action_done(request: Request) -> Response:
        from smi.practice.actions import complete_action

        s, host = allowed(request)
        need_act(s, host)
        await srv.form(request, s)
        aid = request.path_params["aid"]
        await write(request, s, host, "action done", lambda ws: complete_action(ws, aid))
        return RedirectResponse(f"/w/{host.name}/meeting#actions", status_code=303)

    async def action_status(request: Request) -> Response:
        from smi.practice.actions import parse_status, set_action_status

        s, host = allowed(request)
        need_act(s, host)
        form = await srv.form(request, s)
        aid = request.path_params["aid"]
        try:
            status = parse_status(_text(form, "status"), "status")
        except SmiError as e:
            raise HTTPException(400, f"{e.message}. {e.fix or ''}".strip()) from None
        await write(request, s, host, "action status", lambda ws: set_action_status(ws, aid, status),
                    detail=lambda r: {"action": aid, "title": r[0].title, "from": r[1], "to": r[0].status})
        return RedirectResponse(f"/w/{host.name}/meeting?{_back(form)}#action-{aid}", status_code=303)

    async def start_experiment(request: Request) -> Response:
        from smi.practice.experiments import start_experiment as start

        s, host = allowed(request)
        need_act(s, host)
        form = await srv.form(request, s)
        e = await write(request, s, host, "experiment started", lambda ws: start(
            ws, _text(form, "title"), hypothesis=_text(form, "hypothesis") or None, metric=_text(form, "metric"),
            subject=_text(form, "subject"), from_=_text(form, "from"), to=_text(form, "to"),
            platform=_text(form, "platform") or None))
        return RedirectResponse(f"/w/{host.name}/meeting?{_back(form)}added=experiment-{e.experiment_id}#experiments",
                                status_code=303)

    async def evaluate(request: Request) -> Response:
        from smi.practice.evaluate import evaluate_experiments

        s, host = allowed(request)
        need_act(s, host)
        form = await srv.form(request, s)
        month = _text(form, "month") or None
        await write(request, s, host, "experiments evaluated", lambda ws: evaluate_experiments(ws, month))
        return RedirectResponse(f"/w/{host.name}/meeting#experiments", status_code=303)

    return [
        Route("/w/{ws}/meeting", room, methods=["GET"]),
        Route("/w/{ws}/meetings", add_meeting, methods=["POST"]),
        Route("/w/{ws}/actions", add_action, methods=["POST"]),
        Route("/w/{ws}/actions/{aid:int}/done", action_done, methods=["POST"]),
        Route("/w/{ws}/actions/{aid:int}/status", action_status, methods=["POST"]),
        Route("/w/{ws}/experiments", start_experiment, methods=["POST"]),
        Route("/w/{ws}/experiments/evaluate", evaluate, methods=["POST"]),
    ]
