"""The profile in forms: languages, business hours, accounts (official or a person's own),
people and their handles, goals with a KPI. Each change goes through smi.profile.ProfileFile
(tomlkit: the comments and order of workspace.toml are kept; the whole profile is validated
before anything is written) and into the audit log. Admins and advisers only."""

from __future__ import annotations

from typing import Any

import tomlkit

from smi.errors import SmiError
from smi.profile import KPI_PERIODS, PURPOSES, WEEKDAYS, ProfileFile
from smi.web.hosts import PROFILE_NAME

ACTIONS = ("organisation", "account", "person", "goal")
LANGUAGE_NAMES = {"en": "English", "cy": "Cymraeg"}


def can_edit(user: Any, workspace: str) -> bool:
    return user.role in ("admin", "adviser") and user.can_view(workspace)


def _text(form: Any, name: str, most: int = 200) -> str:
    return str(form.get(name, "")).strip()[:most]


def apply(path: Any, action: str, form: Any, w: Any) -> dict[str, Any]:
    """Make the change; what changed (for the audit log). Raises SmiError naming the field."""
    pf = ProfileFile(path)
    doc = pf.doc
    if action == "organisation":
        langs = [x for x in form.getlist("languages") if x in LANGUAGE_NAMES]
        first = _text(form, "report_language")
        if not langs:
            raise SmiError(w._("Languages: choose at least one."), fix=None)
        if first in langs:
            langs.remove(first)
            langs.insert(0, first)
        days = [d for d in form.getlist("days") if d in WEEKDAYS]
        if not days:
            raise SmiError(w._("Business hours: choose at least one day."), fix=None)
        arr = tomlkit.array()
        arr.extend(langs)
        doc["organisation"]["languages"] = arr  # type: ignore[index]
        if "business_hours" not in doc:
            doc["business_hours"] = tomlkit.table()
        bh = doc["business_hours"]
        darr = tomlkit.array()
        darr.extend(days)
        bh["days"] = darr  # type: ignore[index]
        bh["start"] = _text(form, "start")  # type: ignore[index]
        bh["end"] = _text(form, "end")  # type: ignore[index]
        pf.save()
        return {"languages": langs, "business_hours": {"days": days, "start": bh["start"], "end": bh["end"]}}  # type: ignore[index]
    if action == "account":
        from smi.platforms import parse_account

        given = _text(form, "account")
        if not given:
            raise SmiError(w._("Account: give it as platform:@handle, e.g. x:@ourcharity."), fix=None)
        platform, handle = parse_account(given)
        official = _text(form, "whose") != "personal"
        new = pf.add_account(platform, handle, official)
        return {"account": f"{platform}:@{handle}", "official": official, "new": new}
    if action == "person":
        name = _text(form, "name")
        if not name:
            raise SmiError(w._("Person: give their name."), fix=None)
        handles = [h.strip() for h in _text(form, "handles", 1000).replace("\n", ",").split(",") if h.strip()]
        cost = _text(form, "cost_per_hour").replace(",", ".")
        try:
            rate = float(cost) if cost else None
        except ValueError:
            raise SmiError(w._("Person: cost per hour '%(value)s' is not a number (e.g. 18.50).", value=cost), fix=None) from None
        new = pf.add_person(name, handles, _text(form, "role") or None, _text(form, "team") or None, rate)
        return {"person": name, "handles": handles, "new": new}
    if action == "goal":
        name = _text(form, "goal")
        metric = _text(form, "metric")
        if not name or not metric:
            raise SmiError(w._("Goal: give its name and the KPI's metric."), fix=None)
        target = _text(form, "target").replace(",", ".")
        try:
            value = float(target)
        except ValueError:
            raise SmiError(w._("Goal: the target '%(value)s' is not a number.", value=target), fix=None) from None
        if metric not in metric_names():
            raise SmiError(w._("Goal: '%(value)s' is not a metric; choose one from the list.", value=metric), fix=None)
        goals = doc.get("goals")
        if goals is None:
            goals = tomlkit.aot()
            doc.append("goals", goals)
        g = tomlkit.table()
        g["name"] = name
        g["purpose"] = _text(form, "purpose") or "other"
        kpis = tomlkit.aot()
        k = tomlkit.table()
        k["metric"] = metric
        k["target"] = value
        k["direction"] = _text(form, "direction") or "higher"
        k["period"] = _text(form, "period") or "month"
        kpis.append(k)
        g["kpis"] = kpis
        goals.append(g)
        pf.save()
        return {"goal": name, "metric": metric, "target": value}
    raise SmiError(w._("Choose what to change."), fix=None)


def metric_names() -> list[str]:
    from smi.metrics.registry import load_all

    return sorted(load_all())


# -- the routes (added to smi.web.app's router) ----------------------------------------------------
async def profile_page(request: Any) -> Any:
    return await _profile(request, post=False)


async def profile_post(request: Any) -> Any:
    return await _profile(request, post=True)


async def _profile(request: Any, post: bool) -> Any:
    from starlette.concurrency import run_in_threadpool
    from starlette.exceptions import HTTPException

    from smi.web import app as web

    srv = request.app.state.server
    s = srv.require(request)
    host = srv.host(s, request.path_params["ws"])
    if not can_edit(s.user, host.name):
        raise HTTPException(403, "only an admin or the workspace's adviser can change its profile")
    w = srv.words(request, s)
    error = done = None
    status = 200
    path = host.path / PROFILE_NAME
    if post:
        form = await srv.form(request, s)
        action = str(form.get("action", ""))

        def change() -> dict[str, Any]:
            if not host.lock.acquire(timeout=web.BUSY_WAIT):
                raise SmiError(w._("The workspace is busy importing or working out a month; try again in a minute."), fix=None)
            try:
                return apply(path, action, form, w)
            finally:
                host.lock.release()

        try:
            detail = await run_in_threadpool(change)
        except SmiError as e:
            error = (e.message.rstrip(".") + "." + (f" {e.fix}" if e.fix else "")).replace(str(path), PROFILE_NAME)
            status = 400
        else:
            srv.users.audit(s.user.email, host.name, f"profile: {action}", detail)
            done = action
    try:
        model = ProfileFile(path).model
    except SmiError as e:
        raise HTTPException(500, e.message.replace(str(path), PROFILE_NAME)) from None
    return srv.page(request, "profile.html", s, status=status, ws=host.name, p=model, error=error, done=done,
                    weekdays=WEEKDAYS, languages=LANGUAGE_NAMES, purposes=PURPOSES, periods=KPI_PERIODS,
                    metrics=metric_names())
