"""Independent validators over what the tests produce, so standards are checked by tools nobody here wrote.

- Every email any test sends is checked when the test ends (`check_email`): a From with a display
  name, a Message-ID of SITE_URL's host, `Auto-Submitted: auto-generated`, and an `icalendar`
  round trip of every calendar file attached. Its HTML part is kept for the Nu HTML Checker.
- The browser tests keep the HTML of every public page and form state they load (`HtmlCapture`).
- When the session ends, the Nu HTML Checker (`vnu.jar`, from the npm package vnu-jar, run by Java)
  checks everything kept, once, and any error fails the run (`pytest_sessionfinish`).

Where vnu.jar or Java is missing the HTML check is skipped with a note, unless VALIDATORS_REQUIRED=1
(CI), where that fails the run. `.ci/run` installs both; `docs/validators.md` says more.
"""

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from email.utils import parseaddr
from pathlib import Path

import pytest
from django.core.mail import EmailMessage
from icalendar import Calendar

from practice.email import site_hostname

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VNU_JAR = ROOT / ".ci" / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Paths the browser tests visit that are not public pages: the admin is Wagtail's own markup.
NOT_PUBLIC = ("/admin/", "/media/", "/static/")


def vnu_command() -> list[str] | None:
    """How to run the Nu HTML Checker here (VNU_JAR names another vnu.jar), or None where it can't run."""
    jar = Path(os.environ.get("VNU_JAR") or DEFAULT_VNU_JAR)
    java = shutil.which("java")
    if java is None or not jar.is_file():
        return None
    return [java, "-Xss1m", "-jar", str(jar)]


def vnu_errors(directory: Path) -> list[dict]:
    """The Nu HTML Checker's errors for every .html file under `directory` (one JVM for all of them)."""
    command = vnu_command()
    assert command is not None, "vnu.jar or Java is missing"
    result = subprocess.run(  # noqa: S603 - our own arguments, no shell
        [*command, "--errors-only", "--format", "json", "--stdout", "--exit-zero-always", str(directory)],
        capture_output=True,
        text=True,
        check=True,
    )
    messages = json.loads(result.stdout)["messages"]
    return [message for message in messages if message.get("type") in {"error", "non-document-error"}]


class HtmlCapture:
    """HTML documents kept for the Nu HTML Checker: each distinct one once, with where it came from."""

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="html-capture-"))
        self.sources: dict[str, str] = {}
        # Set by the browser tests' fixture: then pages must have been kept, or the capture itself broke.
        self.pages_expected = False

    def add(self, html: str, source: str) -> None:
        name = hashlib.sha256(html.encode()).hexdigest()[:20] + ".html"
        if name not in self.sources:
            (self.directory / name).write_text(html, encoding="utf-8")
            self.sources[name] = source

    def __len__(self) -> int:
        return len(self.sources)

    @property
    def pages(self) -> int:
        return sum(not source.startswith("email ") for source in self.sources.values())

    def summary(self) -> str:
        return f"{self.pages} pages and form states, {len(self) - self.pages} emails"

    def report(self, errors: list[dict]) -> str:
        lines = []
        for error in errors:
            name = Path(error.get("url", "")).name
            lines.append(
                f"- {self.sources.get(name, name)}, line {error.get('lastLine', '?')}: {error.get('message')}\n"
                f"    {error.get('extract', '').strip()[:200]}"
            )
        return "\n".join(lines)


HTML = HtmlCapture()


def is_public_page(path: str) -> bool:
    return not path.startswith(NOT_PUBLIC)


# Email


def _calendar_parts(message: EmailMessage) -> list[bytes]:
    parts = []
    for attachment in message.attachments:
        filename, content, mimetype = attachment
        if (mimetype or "").startswith("text/calendar") or (filename or "").endswith(".ics"):
            parts.append(content.encode() if isinstance(content, str) else content)
    return parts


def check_calendar(content: bytes) -> Calendar:
    """An icalendar round trip: it parses without errors, has what RFC 5545 requires, and re-serialises the same."""
    calendar = Calendar.from_ical(content)
    calendar.validate()
    problems = [f"{component.name}: {error}" for component in calendar.walk() for error in component.errors]
    assert not problems, f"icalendar found errors in a calendar file: {problems}"
    assert str(calendar["VERSION"]) == "2.0"
    events = calendar.walk("VEVENT")
    assert events, "a calendar file without an event"
    for event in events:
        for name in ("UID", "DTSTAMP", "DTSTART", "SEQUENCE"):
            assert name in event, f"VEVENT without {name}"
        assert not str(event["UID"]).isdigit(), "the UID must be opaque, not a sequential id"
    again = Calendar.from_ical(calendar.to_ical())
    assert again.to_ical() == calendar.to_ical(), "the calendar file does not survive an icalendar round trip"
    return calendar


def check_email(message: EmailMessage, source: str) -> None:
    """What every email the site sends must carry; its HTML part is kept for the Nu HTML Checker."""
    sent = message.message()
    display_name, address = parseaddr(sent["From"])
    assert display_name and address, f"From without a display name: {sent['From']!r} ({source})"
    message_id = sent["Message-ID"] or ""
    assert message_id.endswith(f"@{site_hostname()}>"), (
        f"Message-ID {message_id!r} is not of SITE_URL's host {site_hostname()!r} ({source})"
    )
    assert sent["Auto-Submitted"] == "auto-generated", f"no Auto-Submitted: auto-generated header ({source})"
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            HTML.add(content, f"email {message.subject!r} ({source})")
    for calendar in _calendar_parts(message):
        check_calendar(calendar)


# Session end


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Run the Nu HTML Checker once over every page and email HTML the session kept; an error fails the run."""
    if not len(HTML) and not HTML.pages_expected:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")

    def say(text: str) -> None:
        if reporter is not None:
            reporter.write_line(text)

    if HTML.pages_expected and not HTML.pages:
        say("FAILED Nu HTML Checker: the browser tests ran but kept no page for it (tests/e2e/conftest.py)")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    if vnu_command() is None:
        if os.environ.get("VALIDATORS_REQUIRED") == "1":
            say(f"Nu HTML Checker: vnu.jar ({DEFAULT_VNU_JAR}) or Java is missing, and VALIDATORS_REQUIRED=1")
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        else:
            say(f"Nu HTML Checker skipped: no vnu.jar or Java ({len(HTML)} documents not checked)")
        return
    errors = vnu_errors(HTML.directory)
    if errors:
        say(f"FAILED Nu HTML Checker: {len(errors)} error(s) in {len(HTML)} documents ({HTML.summary()}),")
        say(f"kept in {HTML.directory}:")
        say(HTML.report(errors))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    else:
        say(f"Nu HTML Checker: {len(HTML)} documents ({HTML.summary()}), no errors")
        shutil.rmtree(HTML.directory, ignore_errors=True)
