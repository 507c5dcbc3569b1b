"""The profile in forms: languages, business hours, accounts (official or a person's own),
people and their handles, goals and their KPIs, each added, changed or removed. Each change
goes through smi.profile.ProfileFile (tomlkit: the comments and order of workspace.toml are
kept; the whole profile is validated before anything is written) and into the audit log.
An item is named by what it is (an account by platform:@handle, a person or a goal by name,
a KPI by its goal and place), so a form from a page the file changed under refers to nothing
rather than to the wrong item. Admins and advisers only."""

from __future__ import annotations

from typing import Any

import tomlkit

from smi.errors import SmiError
from smi.profile import KPI_PERIODS, PURPOSES, WEEKDAYS, ProfileFile
from smi.report.i18n import N_
from smi.web.hosts import PROFILE_NAME

ACTIONS = ("organisation", "account", "person", "goal", "account_edit", "account_remove", "person_edit",
           "person_remove", "goal_edit", "goal_remove", "kpi_edit", "kpi_remove")
LANGUAGE_NAMES = {"en": "English", "cy": "Cymraeg"}


def can_edit(user: Any, workspace: str) -> bool:
    return user.role in ("admin", "adviser") and user.can_view(workspace)


def _text(form: Any, name: str, most: int = 200) -> str:
    return str(form.get(name, "")).strip()[:most]


def _number(form: Any, name: str, what: str, w: Any, required: bool = True) -> float | None:
    given = _text(form, name).replace(",", ".")
    if not given and not required:
        return None
    try:
        return float(given)
    except ValueError:
        raise SmiError(w._("%(what)s: '%(value)s' is not a number.", what=what, value=given), fix=None) from None


def _gone(what: str, key: str, w: Any) -> SmiError:
    return SmiError(w._("%(what)s '%(key)s' is no longer in the profile: reload the page and try again.",
                        what=what, key=key), fix=None)


def _index(items: Any, match: Any, what: str, key: str, w: Any) -> int:
    for i, item in enumerate(items or []):
        if match(item):
            return i
    raise _gone(what, key, w)


def _trailing(table: Any) -> list[Any]:
    """The comments and blank lines that end a table's body: in the file they stand before
    the next table's header, so they are the next part's, not this table's."""
    from tomlkit.items import Comment, Whitespace

    body = table.value.body
    n = len(body)
    while n and body[n - 1][0] is None and isinstance(body[n - 1][1], (Comment, Whitespace)):
        n -= 1
    return [item for _key, item in body[n:]]


def _before(container: Any, name: str) -> Any:
    """The table written just before `container[name]` (None when there is none)."""
    from tomlkit.items import AoT, Table

    body = container.body if hasattr(container, "body") else container.value.body
    last = None
    for key, item in body:
        if key is not None and key.key == name:
            return last
        if isinstance(item, Table):
            last = item
        elif isinstance(item, AoT) and len(item):
            last = item[-1]
    return None


def _remove(container: Any, name: str, i: int) -> Any:
    """Remove item `i` of the array of tables `container[name]`; the key itself once empty (an
    empty array of tables would be written as `name = []`). The comments that end the item
    (those above the next header) move to the table written before it. Returns the item."""
    items = container[name]
    moved = _trailing(items[i])
    target = items[i - 1] if i > 0 else _before(container, name)
    item = items[i].unwrap()
    del items[i]
    if len(items) == 0:
        del container[name]
    if target is not None:
        for trivia in moved:
            target.value.append(None, trivia)
    return item


def _account_key(a: Any) -> str:
    from smi.platforms import parse_account

    return "{}:@{}".format(*parse_account(f"{a['platform']}:{a['handle']}"))


def _set(table: Any, key: str, value: Any) -> None:
    """Set a key of a TOML table, or remove it when the value is empty (None or ""). A new key
    goes after the table's last key, before the comments that end it (_trailing)."""
    if value is None or value == "":
        if key in table:
            del table[key]
    elif key in table:
        table[key] = value
    else:
        body = table.value.body
        at = len(body) - len(_trailing(table))
        if at < len(body):
            table.value._insert_at(at, key, tomlkit.item(value))
        else:
            table[key] = value


def _kpi_fields(form: Any, w: Any) -> dict[str, Any]:
    metric = _text(form, "metric")
    if not metric:
        raise SmiError(w._("KPI metric: choose one from the list."), fix=None)
    if metric not in metric_names():
        raise SmiError(w._("Goal: '%(value)s' is not a metric; choose one from the list.", value=metric), fix=None)
    target = _text(form, "target").replace(",", ".")
    try:
        value = float(target)
    except ValueError:
        raise SmiError(w._("Goal: the target '%(value)s' is not a number.", value=target), fix=None) from None
    return {"metric": metric, "target": value, "direction": _text(form, "direction") or "higher",
            "period": _text(form, "period") or "month"}


def apply(path: Any, action: str, form: Any, w: Any) -> dict[str, Any]:
    """Make the change; what changed (for the audit log). Raises SmiError naming the field."""
    pf = ProfileFile(path)
    doc = pf.doc
    if action in ("account_edit", "account_remove", "person_edit", "person_remove", "goal_edit", "goal_remove",
                  "kpi_edit", "kpi_remove"):
        return _change(pf, action, form, w)
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
        same = [g for g in goals if str(g.get("name", "")).casefold() == name.casefold()]
        if same:  # a goal of that name: the KPI joins it
            kpis = same[0].get("kpis")
            if kpis is None:
                kpis = tomlkit.aot()
                same[0]["kpis"] = kpis
            k = tomlkit.table()
            for key, val in _kpi_fields(form, w).items():
                k[key] = val
            kpis.append(k)
            pf.save()
            return {"goal": name, "metric": metric, "target": value, "new": False}
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
        return {"goal": name, "metric": metric, "target": value, "new": True}
    raise SmiError(w._("Choose what to change."), fix=None)


def _change(pf: ProfileFile, action: str, form: Any, w: Any) -> dict[str, Any]:
    """Change or remove an account, a person, a goal or a KPI, found by its key (the form's
    `key`: platform:@handle, a name, or for a KPI its goal's name and `kpi`, its place)."""
    from smi.platforms import parse_account

    doc = pf.doc
    key = _text(form, "key", 1000)
    if action.startswith("account_"):
        i = _index(doc.get("accounts"), lambda a: _account_key(a) == key, w._("Account"), key, w)
        if action == "account_remove":
            _remove(doc, "accounts", i)
            pf.save()
            return {"account": key, "removed": True}
        given = _text(form, "account")
        if not given:
            raise SmiError(w._("Account: give it as platform:@handle, e.g. x:@ourcharity."), fix=None)
        try:
            platform, handle = parse_account(given)
        except SmiError as e:
            raise SmiError(w._("Account: %(problem)s", problem=e.message), fix=e.fix) from None
        new = f"{platform}:@{handle}"
        if new != key and any(_account_key(a) == new for a in doc["accounts"]):
            raise SmiError(w._("Account: %(value)s is already in the profile.", value=new), fix=None)
        a = doc["accounts"][i]
        official = _text(form, "whose") != "personal"
        for name, val in (("platform", platform), ("handle", handle), ("official", official)):
            _set(a, name, val)
        pf.save()
        return {"account": key, "now": new, "official": official}
    if action.startswith("person_"):
        i = _index(doc.get("people"), lambda p: str(p.get("name", "")) == key, w._("Person"), key, w)
        if action == "person_remove":
            _remove(doc, "people", i)
            pf.save()
            return {"person": key, "removed": True}
        name = _text(form, "name")
        if not name:
            raise SmiError(w._("Person: give their name."), fix=None)
        if name.casefold() != key.casefold() and any(str(p.get("name", "")).casefold() == name.casefold()
                                                     for p in doc["people"]):
            raise SmiError(w._("Person: %(value)s is already in the profile.", value=name), fix=None)
        handles = []
        for h in [h.strip() for h in _text(form, "handles", 1000).replace("\n", ",").split(",") if h.strip()]:
            try:
                handles.append("{}:@{}".format(*parse_account(h)))
            except SmiError as e:
                raise SmiError(w._("Handles: %(problem)s", problem=e.message), fix=e.fix) from None
        rate = _number(form, "cost_per_hour", w._("Cost per hour"), w, required=False)
        p = doc["people"][i]
        p["name"] = name
        arr = tomlkit.array()
        arr.extend(handles)
        _set(p, "handles", arr)
        _set(p, "role", _text(form, "role"))
        _set(p, "team", _text(form, "team"))
        _set(p, "cost_per_hour", rate)
        pf.save()
        return {"person": key, "now": name, "handles": handles, "role": _text(form, "role") or None,
                "team": _text(form, "team") or None, "cost_per_hour": rate}
    # goals and their KPIs
    i = _index(doc.get("goals"), lambda g: str(g.get("name", "")) == key, w._("Goal"), key, w)
    goal = doc["goals"][i]
    if action == "goal_remove":
        _remove(doc, "goals", i)
        pf.save()
        return {"goal": key, "removed": True}
    if action == "goal_edit":
        name = _text(form, "goal")
        if not name:
            raise SmiError(w._("Goal: give its name."), fix=None)
        if name.casefold() != key.casefold() and any(str(g.get("name", "")).casefold() == name.casefold()
                                                     for g in doc["goals"]):
            raise SmiError(w._("Goal: %(value)s is already in the profile.", value=name), fix=None)
        goal["name"] = name
        _set(goal, "purpose", _text(form, "purpose") or "other")
        pf.save()
        return {"goal": key, "now": name, "purpose": goal["purpose"]}
    kpis = goal.get("kpis") or []
    k = _text(form, "kpi")
    if not k.isdigit() or int(k) >= len(kpis) or str(kpis[int(k)].get("metric")) != _text(form, "was"):
        raise _gone(w._("KPI of the goal"), key, w)
    if action == "kpi_remove":
        removed = _remove(goal, "kpis", int(k))
        pf.save()
        return {"goal": key, "kpi": removed, "removed": True}
    fields = _kpi_fields(form, w)
    before = kpis[int(k)].unwrap()
    for name, val in fields.items():
        _set(kpis[int(k)], name, val)
    pf.save()
    return {"goal": key, "kpi": before, "now": fields}


def metric_names() -> list[str]:
    from smi.metrics.registry import load_all

    return sorted(load_all())


# -- the routes (added to smi.web.app's router) ----------------------------------------------------
def remove_question(action: str, form: Any, w: Any) -> dict[str, Any]:
    """The page asking before an item leaves the profile: the question naming the item, and
    the same form's fields to send again with confirm=yes (it works without script)."""
    key = _text(form, "key")
    question = {
        "account_remove": w._("Remove the account %(name)s from the profile?", name=key),
        "person_remove": w._("Remove %(name)s from the profile's people?", name=key),
        "goal_remove": w._("Remove the goal '%(name)s' and its KPIs?", name=key),
        "kpi_remove": w._("Remove the KPI %(metric)s from the goal '%(name)s'?", metric=_text(form, "was"), name=key),
    }[action]
    fields = [(n, _text(form, n)) for n in ("action", "key", "kpi", "was") if form.get(n) is not None]
    return {"question": question, "what": None, "note": None, "yes": w._("Yes, remove it"), "fields": fields}


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
        raise HTTPException(403, N_("only an admin or the workspace's adviser can change its profile"))
    w = srv.words(request, s)
    error = done = None
    status = 200
    path = host.path / PROFILE_NAME
    if post:
        form = await srv.form(request, s)
        action = str(form.get("action", ""))
        if action.endswith("_remove") and action in ACTIONS and form.get("confirm") != "yes":
            section = {"account_remove": "accounts", "person_remove": "people"}.get(action, "goals")
            return srv.page(request, "confirm.html", s, ws=host.name, **remove_question(action, form, w),
                            action=f"/w/{host.name}/profile", back=f"/w/{host.name}/profile#{section}")

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
