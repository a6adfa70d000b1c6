"""The validators in tests/validators.py can fail: each refuses what it exists to catch."""

import datetime
import os

import pytest
from django.core.mail import EmailMultiAlternatives
from icalendar import Calendar, Event

from practice.email import automatic_message
from tests.validators import check_calendar, check_email, vnu_command, vnu_errors

VALID_HTML = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Hello</title></head>'
    "<body><p>Hello</p></body></html>"
)


def _message(**overrides):
    message = automatic_message(
        subject="Hello",
        text="Hello",
        # check_email keeps the HTML for the Nu HTML Checker at the end of the session: a valid document.
        html=VALID_HTML,
        to="someone@example.com",
        sender_name="The Practice",
    )
    for name, value in overrides.items():
        if name == "from_email":
            message.from_email = value
        else:
            message.extra_headers[name] = value
    return message


def test_check_email_accepts_the_sites_own_message():
    check_email(_message(), "here")


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"from_email": "hello@practice.example"}, "From without a display name"),
        ({"Message-ID": "<123@build-server.internal>"}, "is not of SITE_URL's host"),
        ({"Auto-Submitted": "no"}, "Auto-Submitted"),
    ],
)
def test_check_email_refuses_what_the_standards_rule_out(overrides, complaint):
    with pytest.raises(AssertionError, match=complaint):
        check_email(_message(**overrides), "here")


def test_check_email_refuses_a_plain_django_email():
    with pytest.raises(AssertionError):
        check_email(EmailMultiAlternatives("Hi", "Hi", "webmaster@localhost", ["a@example.com"]), "here")


def _calendar(uid="4f1c2d0e-8a0b-4c3e-9f51-0d6f3a1f2b77@practice.example", sequence=0, **event_fields):
    calendar = Calendar()
    calendar.add("prodid", "-//Test//EN")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.UTC))
    event.add("dtstart", datetime.datetime(2026, 1, 2, 16, tzinfo=datetime.UTC))
    if sequence is not None:
        event.add("sequence", sequence)
    calendar.add_component(event)
    return calendar.to_ical()


def test_check_calendar_accepts_a_complete_event():
    assert check_calendar(_calendar()).walk("VEVENT")


def test_check_calendar_refuses_a_sequential_uid_a_missing_sequence_and_garbage():
    with pytest.raises(AssertionError, match="opaque"):
        check_calendar(_calendar(uid="42"))
    with pytest.raises(AssertionError, match="SEQUENCE"):
        check_calendar(_calendar(sequence=None))
    with pytest.raises((AssertionError, ValueError)):
        check_calendar(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nEND:VCALENDAR\r\n")


@pytest.fixture
def vnu():
    if vnu_command() is None:
        if os.environ.get("VALIDATORS_REQUIRED") == "1":
            pytest.fail("vnu.jar or Java is missing and VALIDATORS_REQUIRED=1")
        pytest.skip("vnu.jar or Java is missing (.ci/run installs them; see docs/validators.md)")


def test_the_nu_html_checker_finds_errors_and_passes_valid_html(vnu, tmp_path):
    (tmp_path / "valid.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fine</title></head>'
        '<body><main><h1 id="section-1">Fine</h1></main></body></html>'
    )
    assert vnu_errors(tmp_path) == []
    (tmp_path / "invalid.html").write_text(
        '<!doctype html><html lang="en"><head><title>Broken</title></head><body><p><div id="a" id="a"></p></body>'
    )
    errors = vnu_errors(tmp_path)
    assert errors and all(error["url"].endswith("invalid.html") for error in errors)
    assert any("Duplicate attribute" in error["message"] for error in errors)
