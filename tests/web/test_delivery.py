"""`smi schedule`: the monthly report e-mail, sent to a real local SMTP server (aiosmtpd)
on its day, once per month, to the people workspace.toml names; wrong settings named."""

from __future__ import annotations

import email
import io
import socket
from email import policy
from pathlib import Path

import pdfplumber
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
    assert "The report is attached (PDF)." in body
    (att,) = list(msg.iter_attachments())
    assert att.get_filename() == "report-2024-03.pdf" and att.get_content_type() == "application/pdf"
    pdf = att.get_content()
    assert pdf.startswith(b"%PDF-")  # the file's own signature, whatever the header says
    assert pdf == (root / "org" / "reports" / "2024-03" / "report.pdf").read_bytes()  # the report written, whole
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        first = doc.pages[0].extract_text()
    assert "Org <Test>" in first and "March 2024" in first  # the report itself, for that month
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


@pytest.mark.slow
def test_a_pdf_over_the_size_limit_is_linked_not_attached(tmp_path, cli, smtp):
    """A report larger than attach_limit_mb is linked (the web app's download address) rather
    than attached; without a link to give, the send fails naming the two fixes and is not
    recorded as sent."""
    from datetime import date

    from smi.delivery import Smtp, deliver, sent_log

    port, messages = smtp
    ws = tmp_path / "org"
    cli("init", ws, "--name", "Org", "--timezone", "UTC")
    cli("import", "--no-enrich", FIXTURES / "sample_org" / "posts.csv", "-w", ws)
    toml = ws / "workspace.toml"
    base = toml.read_text(encoding="utf-8")
    # 0.001 MB = 1,000 bytes: any PDF report is larger (a PDF's fonts alone are kilobytes)
    toml.write_text(base + '\n[delivery]\nto = ["a@example.org"]\nattach_limit_mb = 0.001\n', encoding="utf-8")
    o = deliver(ws, Smtp(host="127.0.0.1", port=port), date(2026, 11, 5))
    assert o.status == "failed" and "over attach_limit_mb = 0.001" in o.message and "link =" in o.message
    assert messages == [] and sent_log(ws)["sent"] == {}
    toml.write_text(base + '\n[delivery]\nto = ["a@example.org"]\nattach_limit_mb = 0.001\n'
                    'link = "https://insights.example.org/w/org/"\n', encoding="utf-8")
    o = deliver(ws, Smtp(host="127.0.0.1", port=port), date(2026, 11, 5))
    assert o.status == "sent", o.message
    ((rcpts, raw),) = messages
    assert rcpts == ["a@example.org"]
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert list(msg.iter_attachments()) == []
    body = msg.get_body(("plain",)).get_content()
    size = (ws / "reports" / "2024-03" / "report.pdf").stat().st_size
    assert f"The report ({size / 1e6:.1f} MB) is too large to attach" in body
    assert "https://insights.example.org/w/org/reports/2024-03/report.pdf" in body


def test_a_wrong_size_limit_is_named(tmp_path, cli):
    from smi.delivery import settings
    from smi.errors import SmiError

    cli("init", tmp_path / "org", "--name", "Org", "--timezone", "UTC")
    toml = tmp_path / "org" / "workspace.toml"
    base = toml.read_text(encoding="utf-8")
    assert settings(tmp_path / "org") is None
    for value in ("0", '"ten"', "-1", "true"):
        toml.write_text(base + f'\n[delivery]\nto = ["a@example.org"]\nattach_limit_mb = {value}\n', encoding="utf-8")
        with pytest.raises(SmiError) as e:
            settings(tmp_path / "org")
        assert "[delivery] attach_limit_mb" in e.value.message and "in MB" in e.value.fix
