"""Action statuses in the meeting room: open, in progress, done, dropped, set from the page
through the library `smi action status` uses, each change in the audit log, the words in
Welsh the report's own; a wrong status named, and only those who may act can change one."""

from __future__ import annotations

import re

from tests.web.conftest import csrf


def ready(c, url: str, timeout: float = 120) -> str:
    """The page once the server has tried to work the month out (alpha has no data: the room
    then shows without it)."""
    import time

    deadline = time.time() + timeout
    while "data-computing" in (text := c.get(url).text):
        assert time.time() < deadline, url
        time.sleep(0.3)
    return text


def _statuses(html: str) -> dict[str, str]:
    return dict(re.findall(r'<tr data-action="(\d+)" data-status="([a-z_]+)"', html))


def test_each_status_is_set_from_the_meeting_room_and_audited(site):
    c = site.login("member@example.org")
    page = ready(c, "/w/alpha/meeting")
    for title in ("Write a policy", "Try reels", "Answer daily"):
        assert c.post("/w/alpha/actions", data={"csrf": csrf(page), "title": title}).status_code == 303
    page = ready(c, "/w/alpha/meeting")
    ids = list(_statuses(page))
    assert len(ids) == 3 and set(_statuses(page).values()) == {"open"}
    # the form offers the four statuses, the current one chosen
    form = re.search(rf'<form[^>]*action="/w/alpha/actions/{ids[0]}/status".*?</form>', page, re.S)
    assert form, (ids, page[page.find("action-list"):][:3000])
    form = form.group(0)
    assert re.findall(r'<option value="([a-z_]+)"', form) == ["open", "in_progress", "done", "dropped"]
    assert '<option value="open" selected>' in form
    for aid, st in zip(ids, ("in_progress", "done", "dropped"), strict=True):
        r = c.post(f"/w/alpha/actions/{aid}/status", data={"csrf": csrf(page), "status": st})
        assert r.status_code == 303 and r.headers["location"].endswith(f"#action-{aid}")
    page = ready(c, "/w/alpha/meeting")
    assert _statuses(page) == dict(zip(ids, ("in_progress", "done", "dropped"), strict=True))
    assert "(3, 1 still to do)" in page  # in progress is still to do: counted in the heading
    with site.app.state.server.hosts["alpha"].open() as ws:
        from smi.practice.actions import list_actions

        assert [a.status for a in list_actions(ws)] == ["in_progress", "done", "dropped"]
    audit = [a for a in site.app.state.server.users.audit_log("alpha") if a["action"] == "action status"]
    assert [(a["detail"]["action"], a["detail"]["from"], a["detail"]["to"]) for a in audit] == [
        (int(ids[0]), "open", "in_progress"), (int(ids[1]), "open", "done"), (int(ids[2]), "open", "dropped")]
    assert {a["email"] for a in audit} == {"member@example.org"}
    # Welsh: the report's words (smi.po), hand-copied here
    assert c.post("/lang", data={"csrf": csrf(page), "lang": "cy", "next": "/w/alpha/meeting"}).status_code == 303
    cy = ready(c, "/w/alpha/meeting")
    for aid, word in zip(ids, ("ar waith", "wedi&#39;i wneud", "wedi&#39;i roi heibio"), strict=True):
        row = re.search(rf'<tr data-action="{aid}".*?</tr>', cy, re.S)
        assert row, cy[:3000]
        row = row.group(0)
        assert f'<span class="status-word">{word}</span>' in row, row
    # a status that is none of the four is named, and nothing changes
    r = c.post(f"/w/alpha/actions/{ids[0]}/status", data={"csrf": csrf(cy), "status": "finished"})
    assert r.status_code == 400 and "status: &#39;finished&#39; is not an action status" in r.text
    assert _statuses(ready(c, "/w/alpha/meeting"))[ids[0]] == "in_progress"


def test_only_those_who_may_act_set_a_status(site):
    member = site.login("member@example.org")
    page = ready(member, "/w/alpha/meeting")
    assert member.post("/w/alpha/actions", data={"csrf": csrf(page), "title": "Keep"}).status_code == 303
    aid = max(_statuses(ready(member, "/w/alpha/meeting")), key=int)
    for email, want in (("viewer@example.org", 403), ("beta@example.org", 404)):
        c = site.login(email)
        token = csrf(c.get("/").text)
        assert c.post(f"/w/alpha/actions/{aid}/status", data={"csrf": token, "status": "done"}).status_code == want
    assert member.post(f"/w/alpha/actions/{aid}/status", data={"status": "done"}).status_code == 403  # no token
    assert _statuses(ready(member, "/w/alpha/meeting"))[aid] == "open"
