"""The profile in forms: each change lands in workspace.toml with its comments kept, is
validated before anything is written (a wrong value is named and the file left as it was),
and is written to the audit log."""

from __future__ import annotations

import re

from tests.web.conftest import csrf


def _post(c, data: dict):
    token = csrf(c.get("/w/alpha/profile").text)
    return c.post("/w/alpha/profile", data={"csrf": token, **data})


def test_profile_changes_keep_comments_and_are_audited(site):
    from smi.profile import ProfileFile

    toml = site.root / "alpha" / "workspace.toml"
    assert "# Edit freely: smi keeps your comments" in toml.read_text(encoding="utf-8")
    c = site.login("adviser@example.org")
    r = _post(c, {"action": "account", "account": "x:@AlphaOrg", "whose": "official"})
    assert r.status_code == 200 and "Saved." in r.text, r.text[:500]
    r = _post(c, {"action": "account", "account": "instagram:@ceri.staff", "whose": "personal"})
    assert r.status_code == 200
    r = _post(c, {"action": "person", "name": "Ceri Jones", "handles": "x:@ceri, instagram:@ceri.staff",
                  "role": "Marketing officer", "cost_per_hour": "18,50"})
    assert r.status_code == 200, r.text[:500]
    r = _post(c, {"action": "goal", "goal": "Fill the autumn season", "purpose": "promote",
                  "metric": "engagements", "target": "500", "direction": "higher", "period": "month"})
    assert r.status_code == 200, r.text[:500]
    r = c.post("/w/alpha/profile", data={"csrf": csrf(r.text), "action": "organisation", "languages": ["en", "cy"],
                                          "report_language": "cy", "days": ["mon", "tue", "wed"],
                                          "start": "08:30", "end": "16:00"})
    assert r.status_code == 200, r.text[:500]
    text = toml.read_text(encoding="utf-8")
    assert "# Edit freely: smi keeps your comments" in text  # the template's comments are still there
    assert "# IANA name; month boundaries and hours use it" in text
    p = ProfileFile(toml).model
    assert [(a.platform, a.handle, a.official) for a in p.accounts] == [("x", "alphaorg", True),
                                                                        ("instagram", "ceri.staff", False)]
    (person,) = p.people
    assert (person.name, person.role, person.cost_per_hour) == ("Ceri Jones", "Marketing officer", 18.5)
    assert person.handles == ["x:@ceri", "instagram:@ceri.staff"]
    (goal,) = p.goals
    assert (goal.name, goal.purpose, goal.kpis[0].metric, goal.kpis[0].target) == ("Fill the autumn season", "promote", "engagements", 500.0)
    assert p.organisation.languages == ["cy", "en"]  # the report language first
    assert (p.business_hours.days, p.business_hours.start, p.business_hours.end) == (["mon", "tue", "wed"], "08:30", "16:00")
    audit = [a for a in site.app.state.server.users.audit_log("alpha") if a["action"].startswith("profile: ")]
    assert [a["action"] for a in audit] == ["profile: account", "profile: account", "profile: person",
                                            "profile: goal", "profile: organisation"]
    assert {a["email"] for a in audit} == {"adviser@example.org"}
    assert audit[0]["detail"]["account"] == "x:@alphaorg"


def test_a_wrong_value_is_named_and_nothing_is_written(site):
    toml = site.root / "alpha" / "workspace.toml"
    before = toml.read_bytes()
    c = site.login("admin@example.org")
    r = _post(c, {"action": "organisation", "languages": "en", "report_language": "en", "days": "mon",
                  "start": "25:00", "end": "17:00"})
    assert r.status_code == 400
    assert "business_hours.start" in r.text and "is not a time like 09:00" in r.text
    assert str(site.root) not in r.text  # no server paths
    r = _post(c, {"action": "goal", "goal": "G", "metric": "not_a_metric", "target": "5"})
    assert r.status_code == 400 and "&#39;not_a_metric&#39; is not a metric" in r.text
    r = _post(c, {"action": "goal", "goal": "G", "metric": "engagements", "target": "lots"})
    assert r.status_code == 400 and "the target &#39;lots&#39; is not a number" in r.text
    r = _post(c, {"action": "person", "name": "", "handles": "x:@a"})
    assert r.status_code == 400 and "give their name" in r.text
    assert toml.read_bytes() == before


def test_only_admins_and_advisers_change_the_profile(site):
    for email, status in (("member@example.org", 403), ("viewer@example.org", 403), ("beta@example.org", 404)):
        assert site.login(email).get("/w/alpha/profile").status_code == status, email


ITEMS = """
# Our accounts (a comment of ours: kept through every change)
[[accounts]]
platform = "x"
handle = "betaorg"   # the main one
official = true

[[accounts]]
platform = "instagram"
handle = "old.handle"
official = true

[[people]]
name = "Ceri Jones"
role = "Officer"
handles = ["x:@ceri"]
cost_per_hour = 18.5

# The goals we agreed in March
[[goals]]
name = "Fill the season"
purpose = "promote"
[[goals.kpis]]
metric = "engagements"   # what counts
target = 500
[[goals.kpis]]
metric = "posts"
target = 20
"""


def _beta(c, data: dict):
    token = csrf(c.get("/w/beta/profile").text)
    return c.post("/w/beta/profile", data={"csrf": token, **data})


def test_accounts_people_goals_and_kpis_are_changed_and_removed(site):
    """Each item of the profile changed and then removed through its own form, found by its
    key; the file keeps our comments; each change is one audit line. Expected values are
    the form's inputs, written by hand."""
    from smi.profile import ProfileFile

    toml = site.root / "beta" / "workspace.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + ITEMS, encoding="utf-8")
    c = site.login("admin@example.org")
    page = c.get("/w/beta/profile").text
    for key in ("account_edit", "account_remove", "person_edit", "person_remove", "goal_edit", "goal_remove",
                "kpi_edit", "kpi_remove"):
        assert f'name="action" value="{key}"' in page, key  # the page offers each change
    steps = [
        ({"action": "account_edit", "key": "instagram:@old.handle", "account": "instagram:@New.Handle", "whose": "personal"},
         lambda p: [(a.platform, a.handle, a.official) for a in p.accounts] == [("x", "betaorg", True),
                                                                                 ("instagram", "new.handle", False)]),
        ({"action": "account_remove", "key": "x:@betaorg", "confirm": "yes"},
         lambda p: [(a.platform, a.handle) for a in p.accounts] == [("instagram", "new.handle")]),
        ({"action": "person_edit", "key": "Ceri Jones", "name": "Ceri Evans", "handles": "x:@ceri, instagram:@ceri.e",
          "role": "", "team": "Marketing", "cost_per_hour": "20,25"},
         lambda p: [(x.name, x.role, x.team, x.handles, x.cost_per_hour) for x in p.people]
         == [("Ceri Evans", None, "Marketing", ["x:@ceri", "instagram:@ceri.e"], 20.25)]),
        ({"action": "kpi_edit", "key": "Fill the season", "kpi": "1", "was": "posts", "metric": "posts",
          "target": "25", "direction": "higher", "period": "month"},
         lambda p: [(k.metric, k.target) for k in p.goals[0].kpis] == [("engagements", 500), ("posts", 25)]),
        ({"action": "kpi_remove", "key": "Fill the season", "kpi": "0", "was": "engagements", "confirm": "yes"},
         lambda p: [(k.metric, k.target) for k in p.goals[0].kpis] == [("posts", 25)]),
        ({"action": "goal_edit", "key": "Fill the season", "goal": "Fill the autumn season", "purpose": "collaborate"},
         lambda p: [(g.name, g.purpose) for g in p.goals] == [("Fill the autumn season", "collaborate")]),
        # a goal's name given again in the add form adds the KPI to that goal
        ({"action": "goal", "goal": "fill the autumn season", "metric": "engagements", "target": "400"},
         lambda p: len(p.goals) == 1 and [(k.metric, k.target) for k in p.goals[0].kpis] == [("posts", 25),
                                                                                             ("engagements", 400)]),
        ({"action": "person_remove", "key": "Ceri Evans", "confirm": "yes"}, lambda p: p.people == []),
        ({"action": "goal_remove", "key": "Fill the autumn season", "confirm": "yes"}, lambda p: p.goals == []),
        ({"action": "account_remove", "key": "instagram:@new.handle", "confirm": "yes"}, lambda p: p.accounts == []),
    ]
    for data, check in steps:
        r = _beta(c, data)
        assert r.status_code == 200 and "Saved." in r.text, (data, r.text[:800])
        assert check(ProfileFile(toml).model), data
        text = toml.read_text(encoding="utf-8")
        assert "# Our accounts (a comment of ours: kept through every change)" in text, data
        assert "# The goals we agreed in March" in text and "# Edit freely: smi keeps your comments" in text, data
    text = toml.read_text(encoding="utf-8")
    assert "people = []" not in text and "goals = []" not in text and "accounts = []" not in text  # gone, not emptied
    audit = [a for a in site.app.state.server.users.audit_log("beta") if a["action"].startswith("profile: ")]
    assert [a["action"] for a in audit] == [f"profile: {d['action']}" for d, _ in steps]
    assert audit[0]["detail"] == {"account": "instagram:@old.handle", "now": "instagram:@new.handle", "official": False}
    assert audit[4]["detail"]["kpi"] == {"metric": "engagements", "target": 500}


def test_a_wrong_change_names_the_field_and_leaves_the_file(site):
    toml = site.root / "beta" / "workspace.toml"
    base = toml.read_text(encoding="utf-8")
    if "[[accounts]]\nplatform" not in base:
        toml.write_text(base + ITEMS, encoding="utf-8")
    before = toml.read_bytes()
    c = site.login("adviser@example.org")  # alpha's adviser: beta is not theirs
    assert _beta(c, {"action": "account_remove", "key": "x:@betaorg", "confirm": "yes"}).status_code == 404
    assert _beta(c, {"action": "account_remove", "key": "x:@betaorg"}).status_code == 404  # not even asked
    c = site.login("admin@example.org")
    cases = [
        ({"action": "account_edit", "key": "x:@betaorg", "account": "nope", "whose": "official"},
         "Account: &#39;nope&#39; is not of the form platform:@handle"),
        ({"action": "account_edit", "key": "x:@betaorg", "account": "instagram:@old.handle", "whose": "official"},
         "Account: instagram:@old.handle is already in the profile."),
        ({"action": "person_edit", "key": "Ceri Jones", "name": "Ceri Jones", "cost_per_hour": "lots"},
         "Cost per hour: &#39;lots&#39; is not a number."),
        ({"action": "person_edit", "key": "Ceri Jones", "name": "Ceri Jones", "handles": "myspace:@ceri"},
         "Handles: &#39;myspace&#39; is not a platform smi knows"),
        ({"action": "kpi_edit", "key": "Fill the season", "kpi": "0", "was": "engagements", "metric": "engagements",
          "target": "500", "direction": "sideways"}, "goals.0.kpis.0.direction"),
        ({"action": "kpi_edit", "key": "Fill the season", "kpi": "0", "was": "engagements", "metric": "engagements",
          "target": "many"}, "the target &#39;many&#39; is not a number"),
        # a form from a page the file changed under: the KPI at place 0 is no longer "posts"
        ({"action": "kpi_remove", "key": "Fill the season", "kpi": "0", "was": "posts", "confirm": "yes"},
         "KPI of the goal &#39;Fill the season&#39; is no longer in the profile"),
        ({"action": "person_remove", "key": "Nobody", "confirm": "yes"}, "Person &#39;Nobody&#39; is no longer in the profile"),
    ]
    for data, said in cases:
        r = _beta(c, data)
        assert r.status_code == 400 and said in r.text, (data, r.text[r.text.find('role="alert"'):][:400])
        assert str(site.root) not in r.text
        assert toml.read_bytes() == before, data


def test_a_language_and_business_days_are_removed_by_unticking(site):
    """Languages and business hours are one form: a language or a day left unticked is
    removed from workspace.toml (comments kept); none at all is refused, naming the field."""
    from smi.profile import ProfileFile

    toml = site.root / "beta" / "workspace.toml"
    c = site.login("admin@example.org")
    r = _beta(c, {"action": "organisation", "languages": ["en", "cy"], "report_language": "cy",
                  "days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00"})
    assert r.status_code == 200 and ProfileFile(toml).model.organisation.languages == ["cy", "en"]
    r = _beta(c, {"action": "organisation", "languages": ["en"], "report_language": "en",
                  "days": ["mon", "wed"], "start": "10:00", "end": "16:30"})
    assert r.status_code == 200, r.text[:500]
    p = ProfileFile(toml).model
    assert p.organisation.languages == ["en"]
    assert (p.business_hours.days, p.business_hours.start, p.business_hours.end) == (["mon", "wed"], "10:00", "16:30")
    assert "# IANA name; month boundaries and hours use it" in toml.read_text(encoding="utf-8")
    before = toml.read_bytes()
    r = _beta(c, {"action": "organisation", "report_language": "en", "days": ["mon"], "start": "09:00", "end": "17:00"})
    assert r.status_code == 400 and "Languages: choose at least one." in r.text
    r = _beta(c, {"action": "organisation", "languages": ["en"], "report_language": "en", "start": "09:00", "end": "17:00"})
    assert r.status_code == 400 and "Business hours: choose at least one day." in r.text
    assert toml.read_bytes() == before


def test_a_removal_asks_first_on_a_page_of_its_own(site):
    """Each Remove button of the profile leads to a page asking, naming the item, with its
    own form (CSRF token, the same fields, confirm=yes) and a way back; the file is
    untouched until the answer is yes. No script is involved: plain forms."""
    from smi.profile import ProfileFile

    toml = site.root / "beta" / "workspace.toml"
    base = toml.read_text(encoding="utf-8")
    if "[[accounts]]\nplatform" not in base:
        toml.write_text(base + ITEMS, encoding="utf-8")
    before = toml.read_bytes()
    c = site.login("admin@example.org")
    asks = [
        ({"action": "account_remove", "key": "x:@betaorg"}, "Remove the account x:@betaorg from the profile?", "#accounts"),
        ({"action": "person_remove", "key": "Ceri Jones"}, "Remove Ceri Jones from the profile&#39;s people?", "#people"),
        ({"action": "goal_remove", "key": "Fill the season"}, "Remove the goal &#39;Fill the season&#39; and its KPIs?",
         "#goals"),
        ({"action": "kpi_remove", "key": "Fill the season", "kpi": "1", "was": "posts"},
         "Remove the KPI posts from the goal &#39;Fill the season&#39;?", "#goals"),
    ]
    for data, question, back in asks:
        r = _beta(c, data)
        assert r.status_code == 200 and f'<h1 id="confirm-title">{question}</h1>' in r.text, (data, r.text[:600])
        form = re.search(r'<form method="post" action="/w/beta/profile" class="confirm".*?</form>', r.text, re.S).group(0)
        assert 'name="csrf" value="' in form and 'name="confirm" value="yes"' in form
        for n, v in data.items():
            assert f'name="{n}" value="{v}"' in form, (n, form)
        assert f'href="/w/beta/profile{back}">No, keep it</a>' in form
        assert toml.read_bytes() == before, data  # asking changes nothing
    # yes: the KPI goes (the same fields, with confirm=yes)
    r = _beta(c, {**asks[3][0], "confirm": "yes"})
    assert r.status_code == 200 and "Saved." in r.text
    assert [k.metric for k in ProfileFile(toml).model.goals[0].kpis] == ["engagements"]
    toml.write_bytes(before)
    # Welsh: the question in Welsh
    cy = site.login("admin@example.org")
    cy.post("/lang", data={"csrf": csrf(cy.get("/").text), "lang": "cy", "next": "/"})
    r = _beta(cy, asks[0][0])
    assert "Tynnu&#39;r cyfrif x:@betaorg o&#39;r proffil?" in r.text and "Ie, tynnwch ef" in r.text
    cy.post("/lang", data={"csrf": csrf(r.text), "lang": "en", "next": "/"})  # the choice is the user's: put it back
