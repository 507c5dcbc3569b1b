"""The monthly e-mail: the report sent to chosen people on a chosen day (`smi schedule`, run
daily by cron, sends each workspace's when it is due).

A workspace asks for it in workspace.toml:

    [delivery]
    to = ["director@example.org", "board@example.org"]  # who gets it
    day = 3             # from this day of the month on (1-28)
    language = "en"     # en or cy (default: the workspace's first language)
    attach = true       # attach the PDF report (false: the link only)
    attach_limit_mb = 10                # a larger PDF is linked, not attached (needs link)
    link = "https://insights.example.org/w/theatr/"     # optional: the workspace's dashboard

The month sent is the report's default month (the last month every source covers in full);
each month is sent once: `cache/delivery.json` records what was sent, when and to whom.
The report linked is the web app's download of it: <link>reports/YYYY-MM/report.pdf.
"""

from __future__ import annotations

import json
import os
import re
import smtplib
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from smi.errors import SmiError

STATE = "delivery.json"  # under the workspace's cache/
ATTACH_LIMIT_MB = 10  # many mail servers refuse a message much over 10 MB
EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")

SUBJECT = {"en": "Social media insights for {month}: {org}", "cy": "Mewnwelediad cyfryngau cymdeithasol {month}: {org}"}
BODY = {
    "en": ("The monthly social media insights report for {org} covers {month}: {findings} findings.\n"
           "{attached}{link}\n\nSent by smi (Social Media Insights)."),
    "cy": ("Mae adroddiad misol mewnwelediad cyfryngau cymdeithasol {org} yn trafod {month}: {findings} canfyddiad.\n"
           "{attached}{link}\n\nAnfonwyd gan smi (Social Media Insights)."),
}
ATTACHED = {"en": "The report is attached (PDF).\n", "cy": "Mae'r adroddiad ynghlwm (PDF).\n"}
TOO_LARGE = {"en": "The report ({size}) is too large to attach; download it: {url}\n",
             "cy": "Mae'r adroddiad ({size}) yn rhy fawr i'w atodi; lawrlwythwch ef: {url}\n"}
LINK = {"en": "The dashboard: {link}", "cy": "Y dangosfwrdd: {link}"}


@dataclass
class Delivery:
    to: list[str]
    day: int = 1
    language: str | None = None
    attach: bool = True
    link: str | None = None
    attach_limit_mb: float = ATTACH_LIMIT_MB


@dataclass
class Smtp:
    host: str = "localhost"
    port: int = 25
    sender: str = "smi@localhost"
    starttls: bool = False
    user: str | None = None
    password: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, **given: Any) -> Smtp:
        """Settings from the options given, else SMI_SMTP_HOST, SMI_SMTP_PORT, SMI_MAIL_FROM,
        SMI_SMTP_USER, SMI_SMTP_PASSWORD (the password only ever from the environment)."""
        env = os.environ
        return cls(host=given.get("host") or env.get("SMI_SMTP_HOST", "localhost"),
                   port=int(given.get("port") or env.get("SMI_SMTP_PORT", 25)),
                   sender=given.get("sender") or env.get("SMI_MAIL_FROM", "smi@localhost"),
                   starttls=bool(given.get("starttls")), user=env.get("SMI_SMTP_USER"),
                   password=env.get("SMI_SMTP_PASSWORD"))


def settings(root: Path) -> Delivery | None:
    """The workspace's [delivery] table (None when it has none); a clear error naming the
    file and field when a value is wrong."""
    path = Path(root) / "workspace.toml"
    with path.open("rb") as f:
        table = tomllib.load(f).get("delivery")
    if table is None:
        return None

    def bad(name: str, why: str, fix: str) -> SmiError:
        return SmiError(f"{path}: [delivery] {name} {why}", fix=fix)

    to = table.get("to", [])
    if isinstance(to, str):
        to = [to]
    if not isinstance(to, list) or not to:
        raise bad("to", "names no one", 'give the addresses: to = ["name@example.org"]')
    for a in to:
        if not isinstance(a, str) or not EMAIL.match(a):
            raise bad("to", f"has '{a}', which is not an e-mail address", "write it as name@example.org")
    day = table.get("day", 1)
    if not isinstance(day, int) or isinstance(day, bool) or not 1 <= day <= 28:
        raise bad("day", f"is {day!r}", "give a day of the month from 1 to 28 (every month has it)")
    lang = table.get("language")
    if lang is not None and lang not in ("en", "cy"):
        raise bad("language", f"is {lang!r}", 'use "en" or "cy"')
    attach = table.get("attach", True)
    if not isinstance(attach, bool):
        raise bad("attach", f"is {attach!r}", "use true or false")
    link = table.get("link")
    if link is not None and not (isinstance(link, str) and link.startswith(("https://", "http://"))):
        raise bad("link", f"is {link!r}", "give the dashboard's address, starting https://")
    if not attach and link is None:
        raise bad("attach", "is false and no link is given", "attach the report, or give link = \"https://…\"")
    limit = table.get("attach_limit_mb", ATTACH_LIMIT_MB)
    if not isinstance(limit, (int, float)) or isinstance(limit, bool) or not limit > 0:
        raise bad("attach_limit_mb", f"is {limit!r}", "give the largest PDF to attach in MB, e.g. 10")
    return Delivery([a.lower() for a in to], day, lang, attach, link, float(limit))


def report_url(link: str, month: str, name: str) -> str:
    """The web app's download address of a report file, from the workspace's dashboard link."""
    return f"{link.rstrip('/')}/reports/{month}/{name}"


def _size(n: int) -> str:
    return f"{n / 1_000_000:,.1f} MB"


def sent_log(root: Path) -> dict[str, Any]:
    try:
        return json.loads((Path(root) / "cache" / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"sent": {}}


def _record(root: Path, month: str, to: list[str], now: datetime) -> None:
    log = sent_log(root)
    log.setdefault("sent", {})[month] = {"at": now.isoformat(timespec="seconds"), "to": to}
    path = Path(root) / "cache" / STATE
    path.parent.mkdir(exist_ok=True)
    tmp = path.with_name(f".{STATE}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(log, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


@dataclass
class Outcome:
    workspace: str
    status: str  # sent | not due | already sent | no delivery | failed
    month: str | None = None
    to: list[str] = field(default_factory=list)
    message: str = ""


def deliver(root: Path, smtp: Smtp, today: date | None = None, dry_run: bool = False) -> Outcome:
    """Send the workspace's monthly e-mail if it is due (its day has come and its month was
    not sent yet)."""
    from smi.metrics.months import choose_month
    from smi.monthly import run_month
    from smi.report.i18n import Words
    from smi.report.render import default_language, write_report
    from smi.workspace import Workspace

    root = Path(root)
    name = root.resolve().name
    conf = settings(root)
    if conf is None:
        return Outcome(name, "no delivery", message="no [delivery] table in workspace.toml")
    today = today or date.today()
    if today.day < conf.day:
        return Outcome(name, "not due", message=f"due from day {conf.day} of the month")
    with Workspace.open(root) as ws:
        month = choose_month(ws, None).period.key
        if month in sent_log(root).get("sent", {}):
            return Outcome(name, "already sent", month, message=f"{month} was sent already")
        lang = conf.language or default_language(ws)
        lang = lang if lang in ("en", "cy") else "en"
        if dry_run:
            return Outcome(name, "not sent (dry run)", month, conf.to)
        paths = write_report(ws, month=month, formats="pdf", lang=lang) if conf.attach else []
        findings = len(run_month(ws, month).findings)  # cached by write_report: no second run
        org = ws.profile.organisation.name
    w = Words(lang)
    msg = EmailMessage()
    msg["Subject"] = SUBJECT[lang].format(month=w.month(month), org=org)
    msg["From"] = smtp.sender
    msg["To"] = ", ".join(conf.to)
    pdf = paths[0].read_bytes() if paths else None
    attached = ""
    if pdf is not None and len(pdf) <= conf.attach_limit_mb * 1_000_000:
        attached = ATTACHED[lang]
    elif pdf is not None:
        if conf.link is None:
            return Outcome(name, "failed", month, conf.to,
                           f"the PDF report is {_size(len(pdf))}, over attach_limit_mb = {conf.attach_limit_mb:g}, "
                           "and [delivery] gives no link to it; give link = \"https://…/w/WORKSPACE/\" "
                           "(the web app serves the report there) or raise attach_limit_mb")
        attached = TOO_LARGE[lang].format(size=_size(len(pdf)), url=report_url(conf.link, month, paths[0].name))
        pdf = None
    msg.set_content(BODY[lang].format(org=org, month=w.month(month), findings=findings, attached=attached,
                                      link=LINK[lang].format(link=conf.link) if conf.link else ""))
    if pdf is not None:
        msg.add_attachment(pdf, maintype="application", subtype="pdf",
                           filename=f"report-{month}{'' if lang == 'en' else '.' + lang}.pdf")
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=60) as s:
            if smtp.starttls:
                s.starttls()
            if smtp.user:
                s.login(smtp.user, smtp.password or "")
            s.send_message(msg)
    except (OSError, smtplib.SMTPException) as e:
        return Outcome(name, "failed", month, conf.to,
                       f"the mail server {smtp.host}:{smtp.port} refused or could not be reached ({e}); "
                       "check --smtp-host/--smtp-port; it is tried again at the next run")
    _record(root, month, conf.to, datetime.now(UTC))
    return Outcome(name, "sent", month, conf.to)
