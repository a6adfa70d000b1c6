import pytest
from django.core import mail

from practice.demo.loader import demo_content_load, scheduling_page_load
from practice.models import PracticeDetails
from scheduling.models.appointments import AppointmentRequest, Status
from scheduling.models.availability import AvailabilityException, BookingSettings, WeeklyHours
from scheduling.models.page import SchedulingPage

pytestmark = pytest.mark.django_db


def post(client, data, capture):
    with capture(execute=True):
        return client.post("/schedule/", data)


def test_form_page_is_never_cached_and_shows_the_crisis_notice_first(client, scheduling_page, practice_details):
    response = client.get("/schedule/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    html = response.content.decode()
    assert html.index(practice_details.crisis_notice.split(".")[0]) < html.index('<form class="request-form"')
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="started"' in html


def test_form_marks_optional_fields_and_groups_choices_in_fieldsets(client, scheduling_page):
    html = client.get("/schedule/").content.decode()
    assert html.count("(optional)") >= 7
    assert '<legend class="field__legend">How would you like to meet?</legend>' in html
    assert '<span class="visually-hidden">Monday </span>Morning' in html


def test_good_faith_estimate_is_shown_under_the_payment_question(client, scheduling_page):
    html = client.get("/schedule/").content.decode()
    assert "If you pay for yourself" in html
    assert "You have the right to receive a Good Faith Estimate." in html
    assert html.index("How will you pay?") < html.index("Good Faith Estimate.")


def test_page_has_no_inline_scripts_or_styles(client, scheduling_page):
    html = client.get("/schedule/").content.decode()
    assert "<style" not in html
    assert 'style="' not in html
    assert '<script type="module" src="/static/scheduling/request-form.js"></script>' in html
    assert html.count("<script") == 1


def test_form_page_renders_in_a_bounded_number_of_queries(client, scheduling_page, django_assert_max_num_queries):
    client.get("/schedule/")
    with django_assert_max_num_queries(12):
        client.get("/schedule/")


def test_valid_request_redirects_to_the_thank_you_page(
    client, scheduling_page, valid_post, django_capture_on_commit_callbacks
):
    response = post(client, valid_post, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == "/schedule/thank-you/"
    assert AppointmentRequest.objects.get().status == Status.NEW
    assert len(mail.outbox) == 2


def test_thank_you_page_says_when_we_reply_and_repeats_the_crisis_notice(client, scheduling_page, practice_details):
    response = client.get("/schedule/thank-you/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "We will get back to you within one business day" in html
    assert practice_details.crisis_notice.split(".")[0] in html
    assert "We offer a free 15-minute phone consultation." in html


def test_thank_you_route_follows_the_page_slug(
    client, scheduling_page, valid_post, django_capture_on_commit_callbacks
):
    scheduling_page.slug = "book"
    scheduling_page.save_revision().publish()
    assert client.get("/schedule/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/book/", valid_post)
    assert response["Location"] == "/book/thank-you/"


def test_errors_are_summarised_at_the_top_and_values_are_kept(client, scheduling_page, valid_post):
    response = client.post("/schedule/", {**valid_post, "email": "nope", "in_colorado": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert 'class="error-summary" role="alert" tabindex="-1"' in html
    assert '<a href="#id_email">Enter an email address in the correct format, like name@example.com</a>' in html
    assert '<a href="#id_in_colorado">' in html
    assert 'id="id_email_error"' in html
    assert 'aria-describedby="id_email_error"' in html
    assert 'value="nope"' in html
    assert 'value="Jordan Rivers"' in html
    assert "Looking for support with a big life change." in html
    assert not AppointmentRequest.objects.exists()


def test_radio_group_errors_are_described_on_the_fieldset(client, scheduling_page, valid_post):
    data = {key: value for key, value in valid_post.items() if key != "payment"}
    html = client.post("/schedule/", data).content.decode()
    assert '<fieldset class="field__fieldset" aria-describedby="id_payment_helptext id_payment_error">' in html
    assert '<a href="#id_payment_0">Select self-pay or insurance</a>' in html


@pytest.mark.parametrize(
    "changes",
    [
        {"name": "x" * 5000},
        {"message": "\x00" * 10},
        {"name": "Jordan\r\nBcc: victim@example.com"},
        {"contact_method": "<script>"},
        {"preferred_times": ["not-a-slot"]},
        {"phone": "☎☎☎"},
        {"started": "x" * 10_000},
        {"email": "a" * 300 + "@example.com"},
    ],
)
def test_bad_input_gets_a_clear_answer_never_a_500(client, scheduling_page, valid_post, changes):
    response = client.post("/schedule/", {**valid_post, **changes})
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert "There is a problem" in response.content.decode()


def test_script_tags_are_stored_as_text_and_escaped(
    client, scheduling_page, valid_post, django_capture_on_commit_callbacks
):
    post(client, {**valid_post, "message": "<script>alert(1)</script>"}, django_capture_on_commit_callbacks)
    assert AppointmentRequest.objects.get().message == "<script>alert(1)</script>"
    html = client.post(
        "/schedule/", {**valid_post, "message": "<script>alert(1)</script>", "email": ""}
    ).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_honeypot_submission_is_stored_as_spam_and_thanked_normally(
    client, scheduling_page, valid_post, django_capture_on_commit_callbacks
):
    response = post(client, {**valid_post, "website": "http://buy.example"}, django_capture_on_commit_callbacks)
    assert response["Location"] == "/schedule/thank-you/"
    assert AppointmentRequest.objects.get().status == Status.SPAM
    assert mail.outbox == []


def test_double_submit_creates_one_request(client, scheduling_page, valid_post, django_capture_on_commit_callbacks):
    first = post(client, valid_post, django_capture_on_commit_callbacks)
    second = post(client, valid_post, django_capture_on_commit_callbacks)
    assert first["Location"] == second["Location"] == "/schedule/thank-you/"
    assert AppointmentRequest.objects.count() == 1


def test_rate_limit_answers_kindly_and_keeps_the_values(
    client, settings, scheduling_page, valid_post, django_capture_on_commit_callbacks
):
    settings.APPOINTMENT_RATE_LIMIT = 1
    post(client, valid_post, django_capture_on_commit_callbacks)
    response = post(client, {**valid_post, "name": "Someone Else"}, django_capture_on_commit_callbacks)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Please try again later" in html
    assert 'value="Someone Else"' in html
    assert AppointmentRequest.objects.count() == 1


def test_other_methods_are_not_allowed(client, scheduling_page):
    assert client.put("/schedule/").status_code == 405
    assert client.post("/schedule/thank-you/").status_code == 405


def test_error_reports_never_carry_the_posted_answers(rf, scheduling_page, valid_post):
    request = rf.post("/schedule/", valid_post)
    request._dont_enforce_csrf_checks = True
    scheduling_page.request_form(request)
    assert request.sensitive_post_parameters == "__ALL__"


def test_only_one_scheduling_page_under_the_home_page(scheduling_page, home_page):
    assert SchedulingPage.can_create_at(home_page) is False
    assert SchedulingPage.parent_page_types == ["practice.HomePage"]
    assert SchedulingPage.subpage_types == []


def test_demo_content_creates_the_page_and_sets_the_booking_page(home_page, practice_details):
    created = scheduling_page_load(home=home_page)
    page = SchedulingPage.objects.get()
    assert page.slug == "schedule" and page.live
    assert created == [f"page “{page.title}”", "booking page in practice details"]
    assert PracticeDetails.for_site(home_page.get_site()).booking_page_id == page.pk
    assert scheduling_page_load(home=home_page) == []


def test_demo_content_keeps_a_booking_page_chosen_by_the_clinician(home_page, practice_details):
    practice_details.booking_page = home_page
    practice_details.save()
    scheduling_page_load(home=home_page)
    assert PracticeDetails.for_site(home_page.get_site()).booking_page_id == home_page.pk


def test_full_demo_content_shows_the_schedule_button(client, db):
    demo_content_load()
    html = client.get("/").content.decode()
    assert 'href="/schedule/"' in html


def test_demo_content_publishes_hours_so_the_schedule_offers_open_times(client, db):
    demo_content_load()
    html = client.get("/schedule/").content.decode()
    assert html.count('name="slot"') > 40
    assert "(couples sessions only)" in html
    assert WeeklyHours.objects.count() == 7
    assert set(AvailabilityException.objects.values_list("kind", flat=True)) == {"closed", "extra"}
    rules = BookingSettings.objects.get()
    assert (rules.weeks_ahead, rules.hold_business_days) == (4, 2)
    # Loaded once: the practice's own hours are never replaced.
    WeeklyHours.objects.filter(weekday=0).delete()
    demo_content_load()
    assert not WeeklyHours.objects.filter(weekday=0).exists()
