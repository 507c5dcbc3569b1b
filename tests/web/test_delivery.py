"""`smi schedule`: the monthly report e-mail, sent to a real local SMTP server (aiosmtpd)
on its day, once per month, to the people workspace.toml names; wrong settings named."""

from __future__ import annotations

import email
import socket
from email import policy
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

DELIVERY = """
[delivery]
to = ["director@example.org", "Board@Example.org"]
day = 3
language = "en"
link = "https://insights.example.org/w/org/"
"""


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    class Keep:
        def __init__(self) -> None:
            self.messages: list[tuple[list[str], bytes]] = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append((list(envelope.rcpt_tos), envelope.content))
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Keep()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, handler.messages
    controller.stop()


@pytest.mark.slow
def test_the_report_is_sent_on_its_day_once_to_the_chosen_people(tmp_path, cli, smtp):
    port, messages = smtp
    root = tmp_path / "served"
    cli("init", root / "org", "--name", "Org <Test>", "--timezone", "UTC")
    cli("import", "--no-enrich", FIXTURES / "sample_org" / "posts.csv", "-w", root / "org")
    with (root / "org" / "workspace.toml").open("a", encoding="utf-8") as f:
        f.write(DELIVERY)
    args = ("schedule", root, "--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--from", "smi@example.org")
    early = cli(*args, "--today", "2026-11-02")
    assert "org: not due" in early.output and messages == []
    sent = cli(*args, "--today", "2026-11-03")
    # sample_org/posts.csv: March 2024 is the last month it covers in full (as the dashboard test counts)
    assert "org: sent 2024-03 to 2 people" in sent.output, sent.output
    assert len(messages) == 1
    rcpts, raw = messages[0]
    assert sorted(rcpts) == ["board@example.org", "director@example.org"]
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert msg["Subject"] == "Social media insights for March 2024: Org <Test>"
    body = msg.get_body(("plain",)).get_content()
    assert "https://insights.example.org/w/org/" in body and "covers March 2024" in body
    (att,) = list(msg.iter_attachments())
    assert att.get_filename() == "report-2024-03.html"
    html = att.get_content()
    assert "Org &lt;Test&gt;" in html and "<html" in html  # the report itself, the name escaped
    again = cli(*args, "--today", "2026-11-20")
    assert "org: already sent 2024-03" in again.output and len(messages) == 1


def test_wrong_delivery_settings_are_named(tmp_path, cli):
    from smi.delivery import settings
    from smi.errors import SmiError

    cli("init", tmp_path / "org", "--name", "Org", "--timezone", "UTC")
    toml = tmp_path / "org" / "workspace.toml"
    base = toml.read_text(encoding="utf-8")
    for table, field, fix in (('to = ["not an address"]', "to", "name@example.org"),
                              ('to = ["a@example.org"]\nday = 31', "day", "1 to 28"),
                              ('to = ["a@example.org"]\nlanguage = "fr"', "language", '"en" or "cy"'),
                              ('to = ["a@example.org"]\nattach = false', "attach", "give link")):
        toml.write_text(base + "\n[delivery]\n" + table + "\n", encoding="utf-8")
        with pytest.raises(SmiError) as e:
            settings(tmp_path / "org")
        assert f"[delivery] {field}" in e.value.message and "workspace.toml" in e.value.message
        assert fix in e.value.fix


def test_a_mail_server_that_cannot_be_reached_fails_and_is_tried_again(tmp_path, cli):
    from datetime import date

    from smi.delivery import Smtp, deliver, sent_log

    cli("init", tmp_path / "org", "--name", "Org", "--timezone", "UTC")
    cli("import", "--no-enrich", FIXTURES / "sample_org" / "posts.csv", "-w", tmp_path / "org")
    with (tmp_path / "org" / "workspace.toml").open("a", encoding="utf-8") as f:
        f.write('\n[delivery]\nto = ["a@example.org"]\nday = 1\n')
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]  # nothing listens there once closed
    o = deliver(tmp_path / "org", Smtp(host="127.0.0.1", port=closed), date(2026, 11, 5))
    assert o.status == "failed" and f"127.0.0.1:{closed}" in o.message
    assert sent_log(tmp_path / "org")["sent"] == {}  # not recorded: the next run tries again
