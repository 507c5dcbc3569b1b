"""The time log's weekly grid: a week logged in one form, last week's rows remembered, a
wrong cell named by row and day, and other people's hours never shown."""

from __future__ import annotations

import re

from tests.web.conftest import csrf


def _week(c, ws: str, week: str) -> str:
    r = c.get(f"/w/{ws}/time/week?week={week}")
    assert r.status_code == 200, r.text[:300]
    return r.text


def test_a_week_is_logged_in_one_form_and_remembered_the_next_week(site):
    c = site.login("adviser@example.org")  # person: the e-mail's name, "adviser"
    html = _week(c, "alpha", "2026-11-04")  # a Wednesday: the grid starts on Monday 2 November
    assert 'name="h_0_6"' in html and 'name="h_1_0"' in html  # two blank rows, seven days each
    form = {"csrf": csrf(html), "platform_0": "x", "activity_0": "create", "h_0_0": "1", "h_0_2": "0,5",
            "platform_1": "", "activity_1": "plan", "h_1_4": "2"}
    r = c.post("/w/alpha/time/week?week=2026-11-02", data=form)
    assert r.status_code == 200, r.text[:500]
    assert "Logged 3 new entries; 0 already logged." in r.text
    with site.app.state.server.hosts["alpha"].open() as ws:
        got = ws.store.rows("SELECT date::VARCHAR AS d, minutes, coalesce(platform, '') AS p, activity FROM effort "
                            "WHERE person = 'adviser' ORDER BY d")
    # by hand: Monday 2 Nov 1 h posting on x, Wednesday 4 Nov 0.5 h, Friday 6 Nov 2 h planning
    assert got == [{"d": "2026-11-02", "minutes": 60.0, "p": "x", "activity": "create"},
                   {"d": "2026-11-04", "minutes": 30.0, "p": "x", "activity": "create"},
                   {"d": "2026-11-06", "minutes": 120.0, "p": "", "activity": "plan"}]
    # the same form again adds nothing
    assert "Logged 0 new entries; 3 already logged." in c.post("/w/alpha/time/week?week=2026-11-02", data=form).text
    # the next week starts with last week's two rows, hours empty
    nxt = _week(c, "alpha", "2026-11-09")
    assert "2 rows are last week&#39;s, ready to fill in." in nxt
    row0 = re.search(r'<select id="platform_0".*?</select>', nxt, re.S).group(0)
    act0 = re.search(r'<select id="activity_0".*?</select>', nxt, re.S).group(0)
    assert '<option value="x" selected>' in row0 and '<option value="create" selected>' in act0
    act1 = re.search(r'<select id="activity_1".*?</select>', nxt, re.S).group(0)
    assert '<option value="plan" selected>' in act1
    assert not re.search(r'name="h_0_\d" [^>]*value=', nxt)  # hours are not copied, only the rows
    # the week itself shows what is logged under each cell
    assert "1 h logged" in _week(c, "alpha", "2026-11-02")
    # another person of the workspace sees none of it
    other = _week(site.login("member@example.org"), "alpha", "2026-11-09")
    assert "last week&#39;s" not in other and "h logged" not in _week(site.login("member@example.org"), "alpha", "2026-11-02")


def test_a_wrong_cell_is_named_by_row_and_day_and_nothing_is_written(site):
    c = site.login("member@example.org")
    html = _week(c, "alpha", "2026-10-05")
    before = site.app.state.server.users.audit_log("alpha")
    r = c.post("/w/alpha/time/week?week=2026-10-05",
               data={"csrf": csrf(html), "activity_0": "engage", "h_0_0": "1", "h_0_1": "lots"})
    assert r.status_code == 400
    assert "Row 1, 6 Oct 2026: hours &#39;lots&#39; is not a number (e.g. 1.5)." in r.text, r.text
    r = c.post("/w/alpha/time/week?week=2026-10-05", data={"csrf": csrf(html), "activity_0": "engage", "h_0_3": "25"})
    assert r.status_code == 400 and "hours must be more than 0 and at most 24" in r.text
    assert site.app.state.server.users.audit_log("alpha") == before


def test_a_toggl_report_uploaded_from_the_week_page_lands_in_the_time_log(site):
    import time
    from pathlib import Path

    toggl = Path(__file__).resolve().parents[1] / "fixtures" / "time_logs" / "toggl_detailed.csv"
    c = site.login("beta@example.org")
    html = _week(c, "beta", "2026-06-29")
    form = re.search(r'<form method="post" action="(/w/beta/upload)" enctype="multipart/form-data"', html)
    assert form, "no report upload on the week page"
    r = c.post(form.group(1), data={"csrf": csrf(html)}, files=[("files", ("toggl_detailed.csv", toggl.read_bytes()))])
    assert r.status_code == 303, r.text[:300]
    deadline = time.time() + 120
    while 'data-state="done"' not in (page := c.get(r.headers["location"]).text):
        assert 'data-state="failed"' not in page and time.time() < deadline, page[:2000]
        time.sleep(0.3)
    with site.app.state.server.hosts["beta"].open() as ws:
        (row,) = ws.store.rows("SELECT count(*) AS n, sum(minutes) AS m FROM effort WHERE source = 'toggl'")
    # by hand from the file's Duration column: 1:30 + 0:15 + 1:00 + 0:45 + 0:20 + 0:10 = 240 minutes in 6 entries
    assert (row["n"], row["m"]) == (6, 240.0)


def _entries(html: str) -> list[str]:
    return re.findall(r'<li data-entry="([^"]+)">', html)


def test_a_logged_entry_is_corrected_or_removed_and_audited(site):
    """Under the week's grid each of the person's entries can be corrected (day, platform,
    activity, hours) or removed; the store holds the change, the audit log says what the
    entry was and became; another person's entry cannot be touched."""
    c = site.login("member@example.org")  # person: Mari Jones
    html = _week(c, "alpha", "2026-09-07")
    form = {"csrf": csrf(html), "platform_0": "x", "activity_0": "create", "h_0_0": "1", "h_0_1": "2",
            "platform_1": "", "activity_1": "plan", "h_1_2": "0.5"}
    assert "Logged 3 new entries" in c.post("/w/alpha/time/week?week=2026-09-07", data=form).text
    html = _week(c, "alpha", "2026-09-07")
    keys = _entries(html)
    assert len(keys) == 3 and "Logged this week (3)" in html

    def stored():
        with site.app.state.server.hosts["alpha"].open() as ws:
            return ws.store.rows("SELECT date::VARCHAR AS d, minutes, coalesce(platform, '') AS p, activity FROM effort "
                                 "WHERE person = 'Mari Jones' AND date >= DATE '2026-09-07' AND date < DATE '2026-09-14' "
                                 "ORDER BY d")

    by_day = {r["d"]: r for r in stored()}
    assert sorted(by_day) == ["2026-09-07", "2026-09-08", "2026-09-09"]
    # the 2 h on Tuesday was 1.5 h, replying rather than posting, on Wednesday
    tuesday = keys[1]  # entries are listed by date
    r = c.post("/w/alpha/time/entries?week=2026-09-07",
               data={"csrf": csrf(html), "key": tuesday, "op": "correct", "date": "2026-09-09", "platform": "x",
                     "activity": "engage", "hours": "1,5"})
    assert r.status_code == 303 and r.headers["location"].endswith("changed=corrected#logged")
    assert stored() == [{"d": "2026-09-07", "minutes": 60.0, "p": "x", "activity": "create"},
                        {"d": "2026-09-09", "minutes": 90.0, "p": "x", "activity": "engage"},
                        {"d": "2026-09-09", "minutes": 30.0, "p": "", "activity": "plan"}]
    # Monday's hour was never worked: removed, after a page that asks first (no script needed)
    r = c.post("/w/alpha/time/entries?week=2026-09-07", data={"csrf": csrf(html), "key": keys[0], "op": "remove"})
    assert r.status_code == 200 and "<h1 id=\"confirm-title\">Remove this time entry?</h1>" in r.text, r.text[:500]
    assert "7 Sept 2026 · x · 1 h · posting" in r.text  # the entry as logged above, in words
    ask = re.search(r'<form method="post" action="([^"]+)" class="confirm".*?</form>', r.text, re.S)
    assert ask and 'name="confirm" value="yes"' in ask.group(0) and f'value="{keys[0]}"' in ask.group(0)
    assert 'href="/w/alpha/time/week?week=2026-09-07#logged">No, keep it</a>' in ask.group(0)
    assert len(stored()) == 3  # asking changed nothing
    r = c.post(ask.group(1).replace("&amp;", "&"), data={"csrf": csrf(r.text), "key": keys[0], "op": "remove",
                                                        "confirm": "yes"})
    assert r.status_code == 303
    assert [(x["d"], x["minutes"]) for x in stored()] == [("2026-09-09", 90.0), ("2026-09-09", 30.0)]
    page = c.get(r.headers["location"]).text
    assert "The entry is removed." in page and "Logged this week (2)" in page and keys[0] not in _entries(page)
    audit = [a for a in site.app.state.server.users.audit_log("alpha") if a["action"] in ("time corrected", "time removed")]
    assert [a["action"] for a in audit] == ["time corrected", "time removed"]
    assert (audit[0]["detail"]["before"]["date"], audit[0]["detail"]["before"]["minutes"]) == ("2026-09-08", 120.0)
    assert (audit[0]["detail"]["after"]["date"], audit[0]["detail"]["after"]["activity"]) == ("2026-09-09", "engage")
    assert audit[1]["detail"]["after"] is None and audit[1]["detail"]["before"]["date"] == "2026-09-07"
    # wrong values are named and change nothing
    before = stored()
    for data, said in (({"hours": "lots"}, "Hours: &#39;lots&#39; is not a number (e.g. 1.5)."),
                       ({"hours": "0"}, "Hours: must be more than 0 and at most 24"),
                       ({"date": "Tuesday"}, "Date: &#39;Tuesday&#39; is not a date (YYYY-MM-DD)."),
                       ({"activity": "napping"}, "Activity: choose one from the list.")):
        full = {"csrf": csrf(html), "key": tuesday, "op": "correct", "date": "2026-09-09", "platform": "x",
                "activity": "engage", "hours": "1", **data}
        r = c.post("/w/alpha/time/entries?week=2026-09-07", data=full)
        assert r.status_code == 400 and said in r.text, (data, r.text[r.text.find('role="alert"'):][:300])
    assert stored() == before
    # another person (the adviser, same workspace) cannot correct or remove Mari's entry
    other = site.login("adviser@example.org")
    token = csrf(_week(other, "alpha", "2026-09-07"))
    for op in ("remove", "correct"):
        r = other.post("/w/alpha/time/entries?week=2026-09-07",
                       data={"csrf": token, "key": tuesday, "op": op, "date": "2026-09-09", "activity": "plan", "hours": "3",
                             "confirm": "yes"})
        assert r.status_code == 400 and "that entry is not in your time log" in r.text
    assert stored() == before
    # a viewer may not log or correct time at all
    viewer = site.login("viewer@example.org")
    r = viewer.post("/w/alpha/time/entries?week=2026-09-07", data={"csrf": csrf(viewer.get("/").text), "key": tuesday,
                                                                   "op": "remove", "confirm": "yes"})
    assert r.status_code == 403 and stored() == before


def _upload(c, ws: str, page: str, name: str, data: bytes) -> str:
    """Upload one file from the week page's form; the finished job's page."""
    import time

    r = c.post(f"/w/{ws}/upload", data={"csrf": csrf(page)}, files=[("files", (name, data))])
    assert r.status_code == 303, r.text[:300]
    deadline = time.time() + 120
    while 'data-state="done"' not in (job := c.get(r.headers["location"]).text):
        assert 'data-state="failed"' not in job and time.time() < deadline, job[:2000]
        time.sleep(0.3)
    return job


def test_a_correction_and_a_removal_stand_when_the_toggl_report_is_uploaded_again(site):
    """The Toggl fixture (its user renamed to the signed-in person, Mari Jones) uploaded;
    one entry corrected, one removed; the report uploaded again with one new row: the
    correction stands, the removed entry stays away, the new row is added, and the job
    says how many were kept."""
    import csv
    import io
    from pathlib import Path

    toggl = (Path(__file__).resolve().parents[1] / "fixtures" / "time_logs" / "toggl_detailed.csv").read_text(encoding="utf-8")
    first = toggl.replace("Ceri Jones", "Mari Jones")
    c = site.login("member@example.org")
    html = _week(c, "alpha", "2026-06-29")
    assert "comes back as it was" not in html  # the old warning is gone
    _upload(c, "alpha", html, "toggl_detailed.csv", first.encode())
    html = _week(c, "alpha", "2026-06-29")
    keys = _entries(html)
    # by hand from the file: Ceri's (now Mari's) rows: 1 Jul 1:30 and 0:15, 2 Jul 1:00 (dafydd's are not hers)
    assert len(keys) == 3, html[html.find('id="logged"'):][:600]

    def mine():
        with site.app.state.server.hosts["alpha"].open() as ws:
            return ws.store.rows("SELECT entry_key, date::VARCHAR AS d, minutes, activity, note FROM effort "
                                 "WHERE person = 'Mari Jones' AND source = 'toggl' ORDER BY d, minutes")

    held = {r["entry_key"]: r for r in mine()}
    carousel = next(k for k, r in held.items() if r["note"] == "Summer season carousel")
    replies = next(k for k, r in held.items() if r["note"] == "Replies to comments")
    r = c.post("/w/alpha/time/entries?week=2026-06-29",
               data={"csrf": csrf(html), "key": carousel, "op": "correct", "date": "2026-07-01", "platform": "instagram",
                     "activity": "create", "hours": "1"})
    assert r.status_code == 303
    r = c.post("/w/alpha/time/entries?week=2026-06-29",
               data={"csrf": csrf(html), "key": replies, "op": "remove", "confirm": "yes"})
    assert r.status_code == 303

    rows = list(csv.reader(io.StringIO(first)))
    new = list(rows[1])
    new[rows[0].index("Description")] = "Autumn season carousel"
    new[rows[0].index("Start date")] = new[rows[0].index("End date")] = "2026-07-03"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([*rows, new])
    job = _upload(c, "alpha", html, "toggl_again.csv", buf.getvalue().encode())
    # 7 rows staged: 2 kept as corrected, 1 new, 4 as held
    assert "effort 1 new, 0 updated, 4 unchanged" in job and "2 time entries kept as corrected by hand" in job, job

    after = {r["entry_key"]: r for r in mine()}
    assert replies not in after
    assert (after[carousel]["minutes"], after[carousel]["d"]) == (60.0, "2026-07-01")  # 1 h, not the file's 1:30
    assert sorted(r["note"] for r in after.values()) == ["Autumn season carousel", "July newsletter",
                                                         "Summer season carousel"]
    assert len(_entries(_week(c, "alpha", "2026-06-29"))) == 3


def test_a_corrected_entry_typed_again_in_the_grid_keeps_its_correction(site):
    """1.5 h on Monday logged, corrected to 2 h, then 1.5 h typed on Monday again (the
    same row as first sent): the 2 h stands and the row counts as already logged; removed,
    then typed again, it is back."""
    c = site.login("member@example.org")
    html = _week(c, "alpha", "2026-08-03")
    form = {"csrf": csrf(html), "platform_0": "x", "activity_0": "create", "h_0_0": "1.5"}
    assert "Logged 1 new entries; 0 already logged." in c.post("/w/alpha/time/week?week=2026-08-03", data=form).text
    (key,) = _entries(_week(c, "alpha", "2026-08-03"))
    r = c.post("/w/alpha/time/entries?week=2026-08-03", data={"csrf": csrf(html), "key": key, "op": "correct",
                                                             "date": "2026-08-03", "platform": "x", "activity": "create",
                                                             "hours": "2"})
    assert r.status_code == 303

    def monday():
        with site.app.state.server.hosts["alpha"].open() as ws:
            return [x["minutes"] for x in ws.store.rows("SELECT minutes FROM effort WHERE person = 'Mari Jones' "
                                                        "AND date = DATE '2026-08-03'")]

    assert "Logged 0 new entries; 1 already logged." in c.post("/w/alpha/time/week?week=2026-08-03", data=form).text
    assert monday() == [120.0]
    r = c.post("/w/alpha/time/entries?week=2026-08-03", data={"csrf": csrf(html), "key": key, "op": "remove",
                                                             "confirm": "yes"})
    assert r.status_code == 303 and monday() == []
    assert "Logged 1 new entries; 0 already logged." in c.post("/w/alpha/time/week?week=2026-08-03", data=form).text
    assert monday() == [90.0]
