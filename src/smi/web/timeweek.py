"""The time log's weekly grid: one row per platform and activity, one column per day, for the
signed-in person; last week's rows come back prefilled so a regular week takes seconds.

The hours are written through the import pipeline as an effort.csv (smi.web.app.write_time):
one transaction, and the same entry sent twice is counted once. Under the grid, each entry
the person logged that week (from the grid, the one-entry form or an uploaded Toggl or
Clockify report) can be corrected (day, platform, activity, hours) or removed; each change
is audited with the entry before and after.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from smi.report.i18n import N_
from smi.web.hosts import Host

# The grid's activities, in the words staff use, and the canonical activity each records.
GRID_ACTIVITIES = (("create", "posting"), ("engage", "replying"), ("plan", "planning"),
                   ("report", "reporting"), ("monitor", "monitoring"), ("learn", "learning"),
                   ("other", "other"))
EMPTY_ROWS = 2  # blank rows under the remembered ones
MAX_ROWS = 20


def profile_platforms(host: Host) -> list[str]:
    """The platforms of the accounts the profile declares (no store needed: for when the
    store is busy)."""
    from smi.platforms import parse_account
    from smi.workspace import Workspace

    ws = Workspace.open(host.path)
    try:
        return sorted({parse_account(f"{a.platform}:{a.handle}")[0] for a in ws.profile.accounts})
    finally:
        ws.close()


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_context(host: Host, person: str, start: date, wait: float) -> dict[str, Any]:
    """The grid for the week from `start` (a Monday): the workspace's platforms, the rows
    (this week's logged rows, else last week's) and the hours already logged per cell."""
    from smi.store.practice import effort_entries

    end = start + timedelta(days=7)
    last = start - timedelta(days=7)
    with host.open(wait=wait) as ws:
        platforms = sorted(ws.store.status()["platforms"])
        entries = effort_entries(ws.store, person, start, end)
        rows = ws.store.rows(
            "SELECT date, coalesce(platform, '') AS platform, activity, sum(minutes) AS minutes FROM effort "
            "WHERE person = ? AND date >= ? AND date < ? GROUP BY ALL ORDER BY ALL", [person, last, end])
    logged: dict[tuple[str, str, int], float] = {}
    this_week: list[tuple[str, str]] = []
    last_week: list[tuple[str, str]] = []
    for r in rows:
        d = r["date"] if isinstance(r["date"], date) else date.fromisoformat(str(r["date"]))
        pair = (r["platform"], r["activity"])
        if d >= start:
            logged[(*pair, (d - start).days)] = logged.get((*pair, (d - start).days), 0) + float(r["minutes"])
            if pair not in this_week:
                this_week.append(pair)
        elif pair not in last_week:
            last_week.append(pair)
    remembered = this_week + [p for p in last_week if p not in this_week]
    return {"platforms": platforms, "rows": remembered[:MAX_ROWS], "logged": logged, "entries": entries,
            "remembered_from_last_week": [p for p in last_week if p not in this_week]}


def grid_rows(form: Any, person: str, start: date, w: Any) -> tuple[list[dict[str, str]], str | None]:
    """The grid's cells (platform_R, activity_R, h_R_D for row R and day D = 0…6) as
    effort.csv rows; an error naming the row, the day and the field when one is wrong."""
    activities = {a for a, _ in GRID_ACTIVITIES}
    out = []
    for r in range(MAX_ROWS + EMPTY_ROWS):
        cells = [(d, str(form.get(f"h_{r}_{d}", "")).strip().replace(",", ".")) for d in range(7)]
        cells = [(d, v) for d, v in cells if v]
        if not cells:
            continue
        activity = str(form.get(f"activity_{r}", ""))
        if activity not in activities:
            return [], w._("Row %(n)s: choose an activity from the list.", n=r + 1)
        platform = str(form.get(f"platform_{r}", "")).strip()
        for d, value in cells:
            day = start + timedelta(days=d)
            try:
                h = float(value)
            except ValueError:
                return [], w._("Row %(n)s, %(day)s: hours '%(value)s' is not a number (e.g. 1.5).",
                               n=r + 1, day=w.day(day.isoformat()), value=value)
            if not 0 < h <= 24:
                return [], w._("Row %(n)s, %(day)s: hours must be more than 0 and at most 24.",
                               n=r + 1, day=w.day(day.isoformat()))
            out.append({"person": person, "date": day.isoformat(), "minutes": str(round(h * 60)),
                        "platform": platform, "activity": activity, "note": "weekly grid"})
    if not out:
        return [], w._("Fill in the hours of at least one day.")
    return out, None


def entry_change(form: Any, start: date, w: Any) -> tuple[str, str, dict[str, Any]]:
    """The entry form's change: (key, "correct" or "remove", the corrected fields: day,
    minutes, platform, activity); a SmiError naming the field when one is wrong."""
    from smi.errors import SmiError

    key = str(form.get("key", "")).strip()
    if not key:
        raise SmiError(w._("Choose an entry to correct or remove."), fix=None)
    op = str(form.get("op", ""))
    if op == "remove":
        return key, op, {}
    if op != "correct":
        raise SmiError(w._("Choose Correct or Remove."), fix=None)
    given = str(form.get("date", "")).strip()
    try:
        day = date.fromisoformat(given)
    except ValueError:
        raise SmiError(w._("Date: '%(value)s' is not a date (YYYY-MM-DD).", value=given), fix=None) from None
    hours = str(form.get("hours", "")).strip().replace(",", ".")
    try:
        h = float(hours)
    except ValueError:
        raise SmiError(w._("Hours: '%(value)s' is not a number (e.g. 1.5).", value=hours), fix=None) from None
    if not 0 < h <= 24:
        raise SmiError(w._("Hours: must be more than 0 and at most 24; to take an entry away, remove it."), fix=None)
    activity = str(form.get("activity", ""))
    if activity not in {a for a, _ in GRID_ACTIVITIES}:
        raise SmiError(w._("Activity: choose one from the list."), fix=None)
    return key, op, {"day": day, "minutes": round(h * 60), "platform": str(form.get("platform", "")).strip(),
                     "activity": activity}


def write_entry_change(host: Host, person: str, key: str, op: str, fields: dict[str, Any], wait: float) -> dict[str, Any]:
    """Correct or remove one of the person's entries under the writer lock; the entry before
    (and after). A key not among the person's entries is a SmiError (nothing changes)."""
    from smi.errors import SmiError
    from smi.store import practice as records

    with host.open(wait=wait) as ws:
        before = records.effort_entry(ws.store, person, key)
        if before is None:
            raise SmiError("that entry is not in your time log (any more)", fix="reload the page and try again")
        if op == "remove":
            records.remove_effort(ws.store, person, key)
            after = None
        else:
            records.correct_effort(ws.store, person, key, **fields)
            after = records.effort_entry(ws.store, person, key)
    host.changed()

    def shown(r: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if r is None else {**r, "date": str(r["date"])}

    return {"entry": key, "before": shown(before), "after": shown(after)}


def read_entry(host: Host, person: str, key: str, wait: float) -> dict[str, Any]:
    """One of the person's entries, for the page asking before it is removed; a SmiError
    when it is not theirs (or gone)."""
    from smi.errors import SmiError
    from smi.store.practice import effort_entry

    with host.open(wait=wait) as ws:
        held = effort_entry(ws.store, person, key)
    if held is None:
        raise SmiError("that entry is not in your time log (any more)", fix="reload the page and try again")
    return held


def entry_words(e: dict[str, Any], w: Any) -> str:
    """An entry in one line: day · platform · hours · activity (· note)."""
    words = dict(GRID_ACTIVITIES)
    day = e["date"] if isinstance(e["date"], date) else date.fromisoformat(str(e["date"]))
    parts = [w.day(day.isoformat()), e["platform"] or w._("not platform work"),
             w._("%(h)s h", h=f"{round(e['minutes'] / 60, 2):g}"), w._(words.get(e["activity"], e["activity"]))]
    if e.get("note") and e["note"] != "weekly grid":
        parts.append(e["note"])
    return " · ".join(parts)


# -- the routes (added to smi.web.app's router) ----------------------------------------------------
async def week_page(request: Any) -> Any:
    return await _week(request, post=False)


async def week_post(request: Any) -> Any:
    return await _week(request, post=True)


async def entry_post(request: Any) -> Any:
    return await _week(request, post=True, entry=True)


async def _week(request: Any, post: bool, entry: bool = False) -> Any:
    from starlette.concurrency import run_in_threadpool
    from starlette.exceptions import HTTPException

    from smi.errors import SmiError
    from smi.web import app as web
    from smi.web.hosts import WorkspaceBusy

    srv = request.app.state.server
    s = srv.require(request)
    host = srv.host(s, request.path_params["ws"])
    if not s.user.can_log_time(host.name):
        raise HTTPException(403, N_("your role cannot log time in this workspace"))
    w = srv.words(request, s)
    asked = request.query_params.get("week")
    try:
        start = monday(date.fromisoformat(asked)) if asked else monday(date.today())
    except ValueError:
        raise HTTPException(400, N_("week must be a date, YYYY-MM-DD")) from None
    error = result = None
    status = 200
    if post and entry:
        from starlette.responses import RedirectResponse

        form = await srv.form(request, s)
        try:
            key, op, fields = entry_change(form, start, w)
            if op == "remove" and form.get("confirm") != "yes":  # ask first: a page of its own, no script
                held = await run_in_threadpool(read_entry, host, s.user.name, key, web.BUSY_WAIT)
                return srv.page(request, "confirm.html", s, ws=host.name, question=w._("Remove this time entry?"),
                                what=entry_words(held, w), yes=w._("Yes, remove it"),
                                note=w._("Uploading a Toggl or Clockify report again does not bring it back."),
                                action=f"/w/{host.name}/time/entries?week={start.isoformat()}",
                                fields=[("key", key), ("op", "remove")],
                                back=f"/w/{host.name}/time/week?week={start.isoformat()}#logged")
            detail = await run_in_threadpool(write_entry_change, host, s.user.name, key, op, fields, web.BUSY_WAIT)
        except SmiError as e:
            error = f"{e.message.rstrip('.')}. {e.fix or ''}".strip()
        else:
            srv.users.audit(s.user.email, host.name, "time corrected" if op == "correct" else "time removed", detail)
            done = "corrected" if op == "correct" else "removed"
            return RedirectResponse(f"/w/{host.name}/time/week?week={start.isoformat()}&changed={done}#logged",
                                    status_code=303)
        status = 400
    elif post:
        form = await srv.form(request, s)
        rows, error = grid_rows(form, s.user.name, start, w)
        if error is None:
            try:
                result = await run_in_threadpool(web.write_time, host, rows)
            except SmiError as e:
                error = f"{e.message}. {e.fix or ''}".strip()
            else:
                srv.users.audit(s.user.email, host.name, "time logged", {"week": start.isoformat(), "rows": rows,
                                                                          "result": result})
        status = 400 if error else 200
    try:
        ctx = await run_in_threadpool(week_context, host, s.user.name, start, web.BUSY_WAIT)
    except WorkspaceBusy as e:
        raise HTTPException(503, f"{e.message}: {e.fix}") from None
    platforms = sorted(set(ctx["platforms"]) | {p for p, _ in ctx["rows"] if p})
    rows = [*ctx["rows"], *[("", "") for _ in range(EMPTY_ROWS)]]
    days = [start + timedelta(days=d) for d in range(7)]
    return srv.page(request, "timeweek.html", s, status=status, ws=host.name, start=start, days=days,
                    rows=rows, logged=ctx["logged"], platforms=platforms, activities=GRID_ACTIVITIES,
                    remembered=len(ctx["remembered_from_last_week"]), error=error, result=result,
                    entries=ctx["entries"], changed=request.query_params.get("changed"),
                    previous=(start - timedelta(days=7)).isoformat(), next=(start + timedelta(days=7)).isoformat())
