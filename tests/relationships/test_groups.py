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
