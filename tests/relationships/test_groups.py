"""Stakeholder groups in workspace.toml (`[[groups]]`): read, edited and written back."""

from __future__ import annotations

import pytest

from smi.errors import ProfileError
from smi.profile import ProfileFile

PROFILE = """\
[organisation]
name = "Theatr"

# partners we want more of
[[groups]]
name = "partners"   # venues and companies
handles = ["X:@TheatreWales", "mastodon:@arts@example.social"]
aim = "Grow"

[[groups]]
name = "press"
handles = ["bluesky:@bbc.co.uk"]
"""


def test_groups_round_trip_keeping_comments(tmp_path):
    path = tmp_path / "workspace.toml"
    path.write_text(PROFILE, encoding="utf-8")
    pf = ProfileFile(path)
    g = pf.model.groups
    # the handles in smi's one spelling, the aim normalised; press takes the default aim
    assert [(x.name, x.handles, x.aim) for x in g] == [
        ("partners", ["x:@theatrewales", "mastodon:@arts@example.social"], "grow"),
        ("press", ["bluesky:@bbc.co.uk"], "keep"),
    ]
    assert pf.add_group("Partners", ["x:@newvenue", "X:@TheatreWales"], None) is False  # existing: casefold
    assert pf.add_group("funders", ["x:@artscouncil"], "keep") is True
    again = ProfileFile(path)
    assert [(x.name, x.handles, x.aim) for x in again.model.groups] == [
        ("partners", ["x:@theatrewales", "mastodon:@arts@example.social", "x:@newvenue"], "grow"),
        ("press", ["bluesky:@bbc.co.uk"], "keep"),
        ("funders", ["x:@artscouncil"], "keep"),
    ]
    text = path.read_text(encoding="utf-8")
    assert "# partners we want more of" in text and "# venues and companies" in text
    # writing it back unchanged gives the same file
    again.save()
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize(("body", "field", "said"), [
    ('name = "partners"\naim = "befriend"', "groups.0.aim", "grow, keep, reduce"),
    ('name = "Official"', "groups.0.name", "own side"),
    ('name = "partners"\nhandles = ["theatrewales"]', "groups.0.handles", "platform:@handle"),
])
def test_a_bad_group_names_the_field(tmp_path, body, field, said):
    path = tmp_path / "workspace.toml"
    path.write_text('[organisation]\nname = "T"\n\n[[groups]]\n' + body + "\n", encoding="utf-8")
    with pytest.raises(ProfileError) as e:
        ProfileFile(path)
    assert e.value.field == field
    assert said in e.value.message and "workspace.toml" in e.value.message


def test_groups_add_from_the_command_line(make_ws, cli):
    ws = make_ws()
    r = cli("groups", "add", "partners", "--handle", "x:@TheatreWales", "--aim", "Grow", "-w", ws)
    assert "added group partners (1 handle, aim: grow)" in r.stdout
    before = (ws / "workspace.toml").read_text(encoding="utf-8")
    for args, option in ((["press", "--aim", "befriend"], "--aim"), (["Official"], "NAME"),
                         (["press", "--handle", "theatre"], "--handle")):
        bad = cli("groups", "add", *args, "-w", ws, ok=False)
        assert bad.exit_code == 1 and option in bad.output
        assert (ws / "workspace.toml").read_text(encoding="utf-8") == before  # left exactly as it was
    assert "x:@theatrewales" in cli("groups", "list", "-w", ws).stdout
