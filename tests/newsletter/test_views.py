import time

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from newsletter import tokens
from newsletter.forms import STARTED_SALT
from newsletter.models import Subscriber, SubscriberStatus
from tests.newsletter.factories import SubscriberFactory

pytestmark = pytest.mark.django_db

SUBSCRIBE = reverse("newsletter:subscribe")
INDEX = reverse("newsletter:index")
CHECK_INBOX = reverse("newsletter:check_inbox")
SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"}


@pytest.fixture
def footer_post(client, committed):
    def post(data, **headers):
        with committed():
            return client.post(SUBSCRIBE, data, **(SAME_ORIGIN | headers))

    return post


class _Backdated(signing.TimestampSigner):
    def __init__(self, *, seconds_ago, **kwargs):
        super().__init__(**kwargs)
        self.seconds_ago = seconds_ago

    def timestamp(self):
        return signing.b62_encode(int(time.time()) - self.seconds_ago)


def started(seconds_ago=10):
    """The start time of a form shown `seconds_ago`: the signature's own timestamp is what counts."""
    return _Backdated(salt=STARTED_SALT, seconds_ago=seconds_ago).sign(str(int(time.time()) - seconds_ago))


def test_every_page_has_the_footer_form_without_any_per_visitor_token(client, practice_details):
    response = client.get("/")
    content = response.content.decode()
    assert f'action="{SUBSCRIBE}"' in content
    assert "Subscribe to our newsletter" in content
    assert "csrfmiddlewaretoken" not in content
    assert not response.cookies
    assert client.get("/").content == response.content


def test_footer_subscribe_redirects_to_check_your_inbox_and_sends_confirmation(footer_post, home_page, mailoutbox):
    response = footer_post({"email": "Reader@Example.com", "first_name": "Ana", "source_page": home_page.pk})

    assert response.status_code == 302
    assert response["Location"] == CHECK_INBOX
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.status, subscriber.source_page_id) == (
        "reader@example.com",
        SubscriberStatus.PENDING,
        home_page.pk,
    )
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("existing", [None, "pending", "active", "unsubscribed"])
def test_answer_is_the_same_whatever_the_address_state(footer_post, existing):
    if existing == "pending":
        SubscriberFactory(email="same@example.com", pending=True)
    elif existing == "active":
        SubscriberFactory(email="same@example.com")
    elif existing == "unsubscribed":
        SubscriberFactory(email="same@example.com", unsubscribed=True)

    response = footer_post({"email": "same@example.com"})

    assert (response.status_code, response["Location"]) == (302, CHECK_INBOX)
    assert not response.cookies


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_SEC_FETCH_SITE": None, "HTTP_ORIGIN": "https://evil.example"},
    ],
)
def test_cross_site_posts_to_the_footer_endpoint_are_rejected_with_a_clear_page(client, headers):
    headers = {key: value for key, value in (SAME_ORIGIN | headers).items() if value is not None}
    response = client.post(SUBSCRIBE, {"email": "victim@example.com"}, **headers)

    assert response.status_code == 403
    assert "another website" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_post_without_browser_headers_is_accepted(client, committed):
    with committed():
        response = client.post(SUBSCRIBE, {"email": "script@example.com"})
    assert response.status_code == 302
    assert Subscriber.objects.filter(email="script@example.com").exists()


def test_honeypot_gets_the_same_answer_and_nothing_happens(footer_post, mailoutbox):
    response = footer_post({"email": "bot@example.com", "website": "http://spam.example"})
    assert (response.status_code, response["Location"]) == (302, CHECK_INBOX)
    assert not Subscriber.objects.exists()
    assert mailoutbox == []


def test_per_ip_rate_limit_answers_429(footer_post, settings):
    settings.NEWSLETTER_SUBSCRIBE_RATE_LIMIT = 2
    assert footer_post({"email": "a@example.com"}).status_code == 302
    assert footer_post({"email": "b@example.com"}).status_code == 302
    response = footer_post({"email": "c@example.com"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert not Subscriber.objects.filter(email="c@example.com").exists()
    # Another address is counted on its own.
    assert footer_post({"email": "d@example.com"}, REMOTE_ADDR="203.0.113.9").status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not-an-address"}, "Enter an email address in the correct format"),
        ({}, "Enter your email address"),
        ({"email": "a" * 250 + "@example.com"}, "254 characters or fewer"),
        # The same kind words as the appointment form (practice.forms), not Django's "Null characters…".
        ({"email": "nul\x00@example.com"}, "Enter an email address in the correct format"),
        ({"email": "ok@example.com", "first_name": "Ana\r\nBcc: x@example.com"}, "First name must only use"),
        ({"email": "ok@example.com", "first_name": "Ana\x00"}, "First name must only use"),
        ({"email": "ok@example.com", "first_name": "Ana\u202egnp.exe"}, "First name must only use"),
        ({"email": "ok@example.com", "first_name": "A" * 61}, "60 characters or fewer"),
    ],
)
def test_bad_footer_input_gets_the_newsletter_page_with_errors_never_a_500(footer_post, data, message):
    response = footer_post(data)

    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert message in content
    assert "<title>Error: " in content
    assert not Subscriber.objects.exists()


def test_error_page_keeps_values_and_escapes_markup(footer_post):
    response = footer_post({"email": "<script>alert(1)</script>", "first_name": "<b>Ana</b>"})
    content = response.content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert 'value="&lt;b&gt;Ana&lt;/b&gt;"' in content
    assert 'href="#id_email"' in content
    assert 'aria-describedby="id_email-error"' in content


def test_idn_addresses_and_unicode_names_are_accepted(footer_post, mailoutbox):
    footer_post({"email": "Jose@Bücher.example", "first_name": "José Ñúñez-O’Brien"})
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.first_name) == ("jose@bücher.example", "José Ñúñez-O’Brien")
    assert "xn--bcher-kva.example" in mailoutbox[0].message()["To"]


def test_newsletter_page_shows_the_form_with_csrf_and_a_start_time(client):
    content = client.get(INDEX).content.decode()
    assert "csrfmiddlewaretoken" in content
    assert 'name="started"' in content
    assert "Subscribe to our newsletter" in content
    assert 'id="footer-newsletter-email"' not in content  # No second form in the footer.


def test_newsletter_page_subscribes(client, committed, mailoutbox):
    with committed():
        response = client.post(INDEX, {"email": "page@example.com", "started": started()})
    assert (response.status_code, response["Location"]) == (302, CHECK_INBOX)
    assert Subscriber.objects.get().email == "page@example.com"
    assert len(mailoutbox) == 1


def test_newsletter_page_answers_too_fast_submissions_like_any_other_and_ignores_them(client):
    response = client.post(INDEX, {"email": "fast@example.com", "started": started(seconds_ago=0)})
    assert (response.status_code, response["Location"]) == (302, CHECK_INBOX)
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize("value", ["", "tampered", signing.TimestampSigner(salt="other").sign("1")])
def test_newsletter_page_with_a_missing_or_tampered_start_time_asks_to_submit_again(client, value):
    response = client.post(INDEX, {"email": "x@example.com", "started": value})
    assert response.status_code == 200
    assert "submit it again" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_subscribe_views_hide_personal_fields_from_error_reports(client):
    response = client.post(INDEX, {"email": "x@example.com"})
    assert set(response.wsgi_request.sensitive_post_parameters) == {"email", "first_name"}


def test_check_your_inbox_page(client):
    assert "Check your inbox" in client.get(CHECK_INBOX).content.decode()


# Confirm


def confirm_path(subscriber):
    return reverse("newsletter:confirm", args=[tokens.confirm_token_make(subscriber=subscriber)])


def test_confirm_get_changes_nothing_and_shows_one_button(client):
    subscriber = SubscriberFactory(pending=True)
    response = client.get(confirm_path(subscriber))
    assert response.status_code == 200
    assert "Confirm my subscription" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING
    assert not response.cookies


def test_confirm_post_activates_and_a_second_click_says_already_subscribed():
    client = Client(enforce_csrf_checks=True)
    subscriber = SubscriberFactory(pending=True)
    path = confirm_path(subscriber)

    first = client.post(path)
    assert first.status_code == 200
    assert "You’re subscribed" in first.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.ACTIVE

    for response in (client.post(path), client.get(path)):
        assert response.status_code == 200
        assert "You’re already subscribed" in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_bad_confirm_links_get_a_friendly_page_with_a_way_back(client, method):
    subscriber = SubscriberFactory(pending=True)
    good = tokens.confirm_token_make(subscriber=subscriber)
    unsubscribed = SubscriberFactory(unsubscribed=True)
    for token in [good[:-3] + "abc", "nonsense", tokens.unsubscribe_token_make(subscriber=subscriber)]:
        response = getattr(client, method)(reverse("newsletter:confirm", args=[token]))
        assert response.status_code == 404
        assert INDEX in response.content.decode()
    response = getattr(client, method)(confirm_path(unsubscribed))
    assert response.status_code == 404
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING


def test_expired_confirm_link_says_so(client):
    subscriber = SubscriberFactory(pending=True)
    signer = signing.TimestampSigner(salt=tokens.CONFIRM_SALT)
    value = f"{subscriber.token}:{signing.b62_encode(int(time.time()) - 8 * 86400)}"
    response = client.post(reverse("newsletter:confirm", args=[f"{value}:{signer.signature(value)}"]))
    assert response.status_code == 410
    assert "expired" in response.content.decode()


# Unsubscribe


def unsubscribe_path(subscriber):
    return reverse("newsletter:unsubscribe", args=[tokens.unsubscribe_token_make(subscriber=subscriber)])


def test_unsubscribe_get_shows_one_button_and_changes_nothing(client):
    subscriber = SubscriberFactory()
    response = client.get(unsubscribe_path(subscriber))
    assert response.status_code == 200
    assert 'type="submit">Unsubscribe</button>' in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.ACTIVE


def test_one_click_post_unsubscribes_without_cookies_csrf_or_origin():
    client = Client(enforce_csrf_checks=True)
    subscriber = SubscriberFactory()

    for _ in range(2):  # Idempotent.
        response = client.post(
            unsubscribe_path(subscriber),
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200
        assert not response.cookies

    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED


def test_unsubscribe_link_of_an_unsubscribed_subscriber_says_already(client):
    subscriber = SubscriberFactory(unsubscribed=True)
    assert "already unsubscribed" in client.get(unsubscribe_path(subscriber)).content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_tampered_unsubscribe_link_gets_a_friendly_404(client, method):
    subscriber = SubscriberFactory()
    path = unsubscribe_path(subscriber)[:-4] + "xyz/"
    response = getattr(client, method)(path)
    assert response.status_code == 404
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.ACTIVE
