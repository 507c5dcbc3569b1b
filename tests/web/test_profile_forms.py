"""The profile in forms: each change lands in workspace.toml with its comments kept, is
validated before anything is written (a wrong value is named and the file left as it was),
and is written to the audit log."""

from __future__ import annotations

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
