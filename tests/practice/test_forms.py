"""The public-form toolkit (practice/forms.py) that the appointment and newsletter forms share."""

import time

import pytest
from django import forms
from django.core import signing

from practice.forms import (
    EmailAddressField,
    ErrorSummaryMixin,
    MultiLineField,
    PhoneNumberField,
    SingleLineField,
    SubmitTiming,
    Timing,
    has_control_characters,
)


@pytest.mark.parametrize(
    ("value", "single", "multi"),
    [
        ("Ana María O’Neil-Smith", False, False),
        ("Line one\nline two\ttabbed", True, False),
        ("nul\x00", True, True),
        ("escape\x1b[31m", True, True),
        ("bidi \u202egnp.exe", True, True),  # right-to-left override (Cf)
        ("zero\u200bwidth", True, True),
        ("separator\u2028", True, True),
        ("😊 emoji", False, False),
    ],
)
def test_control_characters(value, single, multi):
    assert has_control_characters(value) is single
    assert has_control_characters(value, multi_line=True) is multi


class SampleForm(ErrorSummaryMixin, forms.Form):
    name = SingleLineField(label="Full name", max_length=20)
    nickname = SingleLineField(
        label="Nickname", required=False, error_messages={"control_characters": "Nickname: letters only"}
    )
    note = MultiLineField(label="Note", required=False)
    email = EmailAddressField()
    phone = PhoneNumberField(label="Phone number", required=False)
    day = forms.ChoiceField(choices=[("mon", "Monday"), ("tue", "Tuesday")], widget=forms.RadioSelect)


VALID = {"name": "Ana", "email": "ana@example.com", "day": "mon"}


def test_a_valid_form_is_cleaned_with_the_phone_in_e164():
    form = SampleForm(VALID | {"phone": "(303) 555-0123", "note": "Two\nlines"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "+13035550123"
    assert form.error_summary() == []


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "Ana\r\nBcc: x@example.com"}, "name", "Full name must be on one line, without special characters"),
        ({"nickname": "A\u202eB"}, "nickname", "Nickname: letters only"),
        ({"note": "bell\x07"}, "note", "Note must not contain special characters"),
        ({"email": "nope"}, "email", "Enter an email address in the correct format, like name@example.com"),
        (
            {"email": "nul\x00@example.com"},
            "email",
            "Enter an email address in the correct format, like name@example.com",
        ),
        ({"email": ""}, "email", "Enter your email address"),
        ({"phone": "12"}, "phone", "Enter a phone number, like (303) 555-0123"),
    ],
)
def test_bad_input_gets_one_kind_message(data, field, message):
    form = SampleForm(VALID | data)
    assert not form.is_valid()
    assert form.errors[field] == [message]


def test_the_error_summary_links_each_error_to_its_field_in_order():
    form = SampleForm({"name": "", "email": "nope"})
    form.is_valid()
    assert [anchor for anchor, _ in form.error_summary()] == ["id_name", "id_email", "id_day_0"]
    assert SampleForm().error_summary() == []


class _Backdated(signing.TimestampSigner):
    def timestamp(self):
        return signing.b62_encode(int(time.time()) - 120)


def test_submit_timing_tells_people_from_bots_and_tampering():
    timing = SubmitTiming(salt="sample")
    assert timing.verdict(timing.token(), min_seconds=3) is Timing.TOO_FAST
    two_minutes_ago = _Backdated(salt="sample").sign("shown")
    assert timing.verdict(two_minutes_ago, min_seconds=3) is Timing.FINE
    assert timing.verdict(two_minutes_ago, min_seconds=3, max_age=60) is Timing.INVALID
    for tampered in ("", "garbage", two_minutes_ago[:-1] + "x", SubmitTiming(salt="other").token(), "x" * 10_000):
        assert timing.verdict(tampered, min_seconds=3) is Timing.INVALID
