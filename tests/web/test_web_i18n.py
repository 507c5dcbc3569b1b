"""Every string the web app marks for translation (its Python modules and templates) has a
Welsh translation, in the web's catalogue or the report's, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "src" / "smi" / "web"


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\((\w+)(?:\|\w+)?\)s", text))


def test_every_web_msgid_has_a_welsh_translation():
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    from smi.report.i18n import po_path

    ids = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        WEB, method_map=[("**.py", "python"), ("**/templates/**.html", "jinja2")],
        options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}, keywords={"_": None, "N_": None},
    ):
        ids.add(message if isinstance(message, str) else message[0])
    assert len(ids) > 150  # the extraction found the templates and the modules
    with (WEB / "locale" / "cy" / "LC_MESSAGES" / "web.po").open("rb") as f:
        web = read_po(f, locale="cy")
    with po_path("cy").open("rb") as f:
        report = read_po(f, locale="cy")
    missing, broken = [], []
    for msgid in sorted(ids):
        entry = web.get(msgid) if web.get(msgid) is not None and web.get(msgid).string else report.get(msgid)
        if entry is None or not entry.string:
            missing.append(msgid)
        elif _placeholders(entry.string) != _placeholders(msgid):
            broken.append(msgid)
    assert missing == [] and broken == []
