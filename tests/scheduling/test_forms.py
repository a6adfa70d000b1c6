import pytest

from scheduling.forms import AppointmentRequestForm, timing_token_make


def form_with(valid_post, **changes):
    data = {**valid_post, **changes}
    for key, value in list(data.items()):
        if value is None:
            del data[key]
    return AppointmentRequestForm(data)


def test_valid_answers_are_accepted_and_phone_is_normalised(valid_post):
    form = form_with(valid_post)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "+13035550147"
    assert form.cleaned_data["voicemail_ok"] is False
    assert form.cleaned_data["acknowledgement_ok"] is True


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("name", "Enter your full name"),
        ("email", "Enter your email address"),
        ("phone", "Enter your phone number"),
        ("contact_method", "Select how you would like us to contact you"),
        ("voicemail_ok", "Select yes if we may leave a voicemail that mentions the practice"),
        ("acknowledgement_ok", "Select yes if we may email you a confirmation"),
        ("sessions_for", "Select who the sessions are for"),
        ("client_type", "Select whether you are new or returning"),
        ("session_format", "Select in person or online video"),
        ("payment", "Select self-pay or insurance"),
        ("consent", "Tick the box to agree that we may contact you about this request"),
        ("privacy_acknowledged", "Tick the box to confirm you have read the privacy policy"),
    ],
)
def test_missing_required_answer_gets_a_plain_message(valid_post, field, message):
    form = form_with(valid_post, **{field: None})
    assert not form.is_valid()
    assert form.errors[field] == [message]


@pytest.mark.parametrize(
    "field", ["preferred_name", "pronouns", "preferred_times", "availability_note", "message", "heard_about"]
)
def test_optional_answers_may_be_left_blank(valid_post, field):
    assert form_with(valid_post, **{field: None}).is_valid()


def test_online_without_colorado_attestation_is_explained_kindly(valid_post):
    form = form_with(valid_post, session_format="online", in_colorado=None)
    assert not form.is_valid()
    assert "or choose in person" in form.errors["in_colorado"][0]
    assert "Not in Colorado?" in form.fields["in_colorado"].help_text


def test_in_person_needs_no_colorado_attestation(valid_post):
    assert form_with(valid_post, session_format="in_person", in_colorado=None).is_valid()


def test_insurance_needs_a_provider_name(valid_post):
    form = form_with(valid_post, payment="insurance", insurance_provider="")
    assert not form.is_valid()
    assert form.errors["insurance_provider"] == ["Enter the name of your insurance provider"]
    assert form_with(valid_post, payment="insurance", insurance_provider="Anthem").is_valid()


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "jordan@client.example\nBcc: x@y.example"])
def test_invalid_email_is_refused(valid_post, email):
    form = form_with(valid_post, email=email)
    assert not form.is_valid()
    assert "correct format" in form.errors["email"][0]


@pytest.mark.parametrize("phone", ["12", "555-0000", "call me", "+44 20"])
def test_invalid_phone_is_refused(valid_post, phone):
    form = form_with(valid_post, phone=phone)
    assert not form.is_valid()
    assert form.errors["phone"] == ["Enter a phone number, like (303) 555-0123"]


def test_message_over_1000_characters_is_refused(valid_post):
    form = form_with(valid_post, message="a" * 1001)
    assert not form.is_valid()
    assert form.errors["message"] == ["Your message must be 1000 characters or fewer"]
    assert form_with(valid_post, message="a" * 1000).is_valid()


@pytest.mark.parametrize("name", ["Jordan\nRivers", "Jordan\r\nBcc: x@y.example", "Jordan\x0bRivers"])
def test_line_breaks_and_control_characters_in_the_name_are_refused(valid_post, name):
    form = form_with(valid_post, name=name)
    assert not form.is_valid()
    assert form.errors["name"] == ["Full name must be on one line, without special characters"]


@pytest.mark.parametrize("field", ["name", "message", "email", "heard_about"])
def test_nul_bytes_are_refused_with_a_message(valid_post, field):
    form = form_with(valid_post, **{field: "abc\x00def"})
    assert not form.is_valid()
    assert form.errors[field]


def test_message_may_have_line_breaks_but_not_control_characters(valid_post):
    assert form_with(valid_post, message="Line one\r\nLine two").is_valid()
    assert not form_with(valid_post, message="bell\x07").is_valid()


def test_script_tags_are_accepted_as_plain_text(valid_post):
    form = form_with(valid_post, message="<script>alert(1)</script>")
    assert form.is_valid()
    assert form.cleaned_data["message"] == "<script>alert(1)</script>"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("contact_method", "fax"),
        ("sessions_for", "family"),
        ("session_format", "phone"),
        ("payment", "barter"),
        ("voicemail_ok", "maybe"),
        ("preferred_times", ["sunday-night"]),
    ],
)
def test_wrong_choice_values_are_refused(valid_post, field, value):
    form = form_with(valid_post, **{field: value})
    assert not form.is_valid()
    assert form.errors[field]


def test_filled_honeypot_marks_the_submission_as_spam(valid_post):
    form = form_with(valid_post, website="http://spam.example")
    assert form.is_valid()
    assert form.looks_like_spam


def test_instant_submission_marks_it_as_spam(valid_post):
    form = form_with(valid_post, started=timing_token_make())
    assert form.is_valid()
    assert form.looks_like_spam


@pytest.mark.parametrize("token", ["", "form:tampered:signature", "garbage"])
def test_missing_or_tampered_timing_field_marks_it_as_spam(valid_post, token):
    form = form_with(valid_post, started=token)
    assert form.is_valid()
    assert form.looks_like_spam


def test_a_person_taking_their_time_is_not_spam(valid_post):
    form = form_with(valid_post)
    assert form.is_valid()
    assert not form.looks_like_spam


def test_error_summary_links_to_each_field_in_page_order(valid_post):
    form = form_with(valid_post, name="", contact_method=None, in_colorado=None)
    assert not form.is_valid()
    assert [anchor for anchor, _ in form.error_summary()] == ["id_name", "id_contact_method_0", "id_in_colorado"]


def test_help_texts_name_the_clinician_from_settings(valid_post):
    form = AppointmentRequestForm(clinician_name="Dr. Meaghan")
    assert "Dr. Meaghan is licensed in Colorado" in form.fields["in_colorado"].help_text
    assert "share them with Dr. Meaghan" in form.fields["message"].help_text
