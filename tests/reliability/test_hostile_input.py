"""Property-based fuzzing of every public form and token URL.

Every case must pass: no 5xx; nothing the visitor sent echoed as raw markup; for cases the app accepts,
every email they cause has one-line headers and escaped HTML, and none of them failed to send. The
number of cases comes from the Hypothesis profile (tests/reliability/conftest.py): a few on `make test`,
over 10,000 in all on `make reliability`.
"""

import time
from urllib.parse import quote, urlencode

import pytest
from django.core import mail, signing
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from newsletter import tokens as newsletter_tokens
from newsletter.forms import STARTED_SALT
from newsletter.models import Delivery, Subscriber, SubscriberStatus
from scheduling.forms import TIMING_SALT
from scheduling.models.appointments import AppointmentRequest, NotificationDelivery
from tests.newsletter.factories import SubscriberFactory
from tests.reliability.hostile import (
    EMAILS_THAT_LOOK_FINE,
    HEADER_INJECTIONS,
    MARKUP_PAYLOADS,
    TALLY,
    Body,
    assert_safe_emails,
    assert_safe_response,
    backdated_token,
    bodies,
    browser_headers,
    header_text,
    hostile_key,
    hostile_text,
    hostile_value,
    multipart,
    short_hostile_text,
    started_tokens,
    timing_tokens,
    urlencoded,
)
from tests.scheduling.factories import VALID_APPOINTMENT, SchedulingPageFactory
from tests.scheduling.hours import weekday_hours_publish

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/newsletter/subscribe/"
NEWSLETTER = "/newsletter/"
SCHEDULE = "/schedule/"
SEARCH = "/search/"
CHECK_INBOX = "/newsletter/check-your-inbox/"
THANK_YOU = "/schedule/thank-you/"
ONE_CLICK = Body("application/x-www-form-urlencoded", b"List-Unsubscribe=One-Click", "one-click")


@pytest.fixture(autouse=True)
def _limits_out_of_the_way(settings):
    # Thousands of cases come from one address: per-IP limits would answer most of them 429 and hide
    # the code behind. Rate limiting itself is tested in tests/practice and the apps' tests.
    settings.NEWSLETTER_SUBSCRIBE_RATE_LIMIT = 10**9
    settings.APPOINTMENT_RATE_LIMIT = 10**9
    settings.TRUSTED_PROXY_COUNT = 1  # As in production, so X-Forwarded-For is parsed.


@pytest.fixture
def hostile_client():
    """A client that answers a crash with the 500 page (failing the property) instead of raising."""
    return Client(raise_request_exception=False)


@pytest.fixture
def scheduling_page(home_page, practice_details):
    page = SchedulingPageFactory(parent=home_page)
    page.save_revision().publish()
    practice_details.booking_page = page
    practice_details.save()
    return page


@pytest.fixture
def send(hostile_client, django_capture_on_commit_callbacks):
    """Send one request as-is; the on_commit callbacks (the emails it enqueues) run as after a real commit."""

    def send(method: str, path: str, *, body: Body | None = None, headers: dict | None = None):
        with django_capture_on_commit_callbacks(execute=True):
            if body is None:
                return hostile_client.generic(method, path, headers=headers or {})
            return hostile_client.generic(
                method, path, data=body.data, content_type=body.content_type, headers=headers or {}
            )

    return send


def no_failed_sends() -> None:
    """Nothing accepted is lost: every email an accepted case caused went out."""
    assert not Delivery.objects.exclude(last_error="").exists()
    assert not NotificationDelivery.objects.exclude(last_error="").exists()


def accepted(response, location: str) -> bool:
    if response.status_code == 302 and response["Location"] == location:
        TALLY.accepted += 1
        TALLY.emails += assert_safe_emails()
        no_failed_sends()
        return True
    assert mail.outbox == [], "an email was sent for a request that was not accepted"
    return False


def with_extras(form: st.SearchStrategy) -> st.SearchStrategy:
    """Add unknown fields (random names, and the names of other forms' fields) to a form."""
    return st.builds(lambda data, extra: extra | data, form, st.dictionaries(hostile_key, hostile_value, max_size=2))


email_values = st.one_of(
    st.emails(),
    st.sampled_from(EMAILS_THAT_LOOK_FINE),
    st.builds(lambda email, injection: email + injection, st.emails(), st.sampled_from(HEADER_INJECTIONS)),
    hostile_value,
)
subscribe_forms = with_extras(
    st.fixed_dictionaries(
        {},
        optional={
            "email": email_values,
            "first_name": st.one_of(st.sampled_from(MARKUP_PAYLOADS), hostile_value),
            "website": st.one_of(st.just(""), hostile_value),
            "source_page": st.one_of(st.integers().map(str), hostile_value),
        },
    )
)


def is_cross_site(headers: dict) -> bool:
    fetch_site = headers.get("Sec-Fetch-Site")
    return fetch_site == "cross-site" or (fetch_site is None and headers.get("Origin") == "https://evil.example")


# Subscribe: the footer endpoint and the /newsletter/ page


@given(body=bodies(subscribe_forms), headers=browser_headers(host=True))
def test_footer_subscribe_endpoint_survives_hostile_posts(send, home_page, body, headers):
    TALLY.case("subscribe, footer endpoint (POST)")
    response = send("POST", SUBSCRIBE, body=body, headers=headers)
    assert_safe_response(response)
    if is_cross_site(headers) and response.status_code != 400:
        assert response.status_code == 403
    accepted(response, CHECK_INBOX)


@given(
    body=bodies(
        st.builds(
            lambda form, started: form | {"started": started},
            subscribe_forms,
            st.one_of(started_tokens(), hostile_value),
        )
    ),
    headers=browser_headers(),
)
def test_newsletter_page_survives_hostile_posts(send, home_page, body, headers):
    TALLY.case("subscribe, /newsletter/ page (POST)")
    response = send("POST", NEWSLETTER, body=body, headers=headers)
    assert_safe_response(response)
    accepted(response, CHECK_INBOX)


# Confirm and unsubscribe links


@st.composite
def tampered(draw, genuine: str, *, others: list[str]) -> str:
    """The genuine token, or a change to it: a flipped, dropped or added character, another link's
    signature, someone else's token, arbitrary text."""
    how = draw(st.sampled_from(["genuine", "flip", "drop", "insert", "truncate", "other", "splice", "text"]))
    if how == "genuine":
        return genuine
    if how == "text":
        return draw(hostile_text)
    if how == "other":
        return draw(st.sampled_from(others))
    if how == "splice":  # This link's value with another's signature.
        other = draw(st.sampled_from(others))
        return genuine.rsplit(":", 1)[0] + ":" + other.rsplit(":", 1)[-1]
    index = draw(st.integers(0, len(genuine) - 1))
    if how == "flip":
        alphabet = "abcdefABCDEF0123456789-_:=+/"
        character = draw(st.sampled_from(alphabet).filter(lambda c: c != genuine[index]))
        return genuine[:index] + character + genuine[index + 1 :]
    if how == "drop":
        return genuine[:index] + genuine[index + 1 :]
    if how == "insert":
        return genuine[:index] + draw(short_hostile_text.filter(bool)) + genuine[index:]
    return genuine[:index]


def fits_the_url(token: str) -> bool:
    """Whether the token fills the URL's one path segment (else no view is reached: a plain 404)."""
    return bool(token) and "/" not in token


def link(prefix: str, token: str) -> str:
    return f"{prefix}{quote(token, safe='')}/"


subscriber_states = st.sampled_from(["pending", "active", "unsubscribed"])
link_methods = st.sampled_from(["GET", "POST", "POST", "HEAD", "PUT", "DELETE"])
link_bodies = st.one_of(st.none(), st.just(ONE_CLICK), bodies(with_extras(st.just({}))))


def subscriber_make(state: str) -> Subscriber:
    return SubscriberFactory(**({state: True} if state != "active" else {}))


@given(data=st.data(), state=subscriber_states, method=link_methods, body=link_bodies, headers=browser_headers())
def test_confirm_link_survives_tampering_and_only_the_genuine_link_confirms(
    send, home_page, data, state, method, body, headers
):
    TALLY.case(f"confirm link ({'GET' if method == 'GET' else 'POST and others'})")
    subscriber = subscriber_make(state)
    genuine = newsletter_tokens.confirm_token_make(subscriber=subscriber)
    expired = backdated_token(salt=newsletter_tokens.CONFIRM_SALT, value=str(subscriber.token), seconds_ago=8 * 86400)
    others = [newsletter_tokens.unsubscribe_token_make(subscriber=subscriber), expired]
    others.append(newsletter_tokens.confirm_token_make(subscriber=SubscriberFactory.build()))
    token = data.draw(tampered(genuine, others=others), label="token")

    response = send(
        method, link("/newsletter/confirm/", token), body=body if method == "POST" else None, headers=headers
    )

    assert_safe_response(response)
    before = state
    subscriber.refresh_from_db()
    if method not in ("GET", "POST"):
        assert response.status_code == (405 if fits_the_url(token) else 404)
    elif token == genuine and state != "unsubscribed":
        assert response.status_code == 200
    elif token == expired:
        assert response.status_code == 410
    else:
        assert response.status_code == 404
    confirmed = token == genuine and method == "POST" and before == "pending"
    assert subscriber.status == (SubscriberStatus.ACTIVE if confirmed else before)


@given(data=st.data(), state=subscriber_states, method=link_methods, body=link_bodies, headers=browser_headers())
def test_unsubscribe_link_survives_tampering_and_only_the_genuine_link_unsubscribes(
    send, home_page, data, state, method, body, headers
):
    TALLY.case(f"unsubscribe link ({'GET' if method == 'GET' else 'POST, one-click and others'})")
    subscriber = subscriber_make(state)
    genuine = newsletter_tokens.unsubscribe_token_make(subscriber=subscriber)
    others = [
        newsletter_tokens.confirm_token_make(subscriber=subscriber),
        newsletter_tokens.unsubscribe_token_make(subscriber=SubscriberFactory.build()),
        signing.Signer(salt="other").sign(str(subscriber.token)),
    ]
    token = data.draw(tampered(genuine, others=others), label="token")

    response = send(
        method, link("/newsletter/unsubscribe/", token), body=body if method == "POST" else None, headers=headers
    )

    assert_safe_response(response)
    before = state
    subscriber.refresh_from_db()
    if method not in ("GET", "POST"):
        assert response.status_code == (405 if fits_the_url(token) else 404)
    elif token == genuine:
        assert response.status_code == 200
    else:
        assert response.status_code == 404
    left = token == genuine and method == "POST"
    assert subscriber.status == (SubscriberStatus.UNSUBSCRIBED if left else before)


# The appointment request form

APPOINTMENT = VALID_APPOINTMENT
# Text the form may accept as it is: hostile content that still reaches the database and the emails.
TEXT_FIELDS = [
    "name",
    "preferred_name",
    "pronouns",
    "availability_note",
    "insurance_provider",
    "message",
    "heard_about",
]


@st.composite
def appointment_forms(draw) -> dict:
    data = dict(APPOINTMENT, started=draw(timing_tokens()))
    for name in draw(st.lists(st.sampled_from(TEXT_FIELDS), max_size=3, unique=True)):
        data[name] = draw(st.one_of(st.sampled_from(MARKUP_PAYLOADS), short_hostile_text))
    for name in draw(st.lists(st.sampled_from([*sorted(APPOINTMENT), "started"]), max_size=3, unique=True)):
        value = draw(st.one_of(st.none(), hostile_value, st.emails()))
        if value is None:
            data.pop(name)  # A missing field.
        else:
            data[name] = value
    return data


@pytest.fixture
def published_hours(db):
    """Open times on the form, so its time choice ("slot") meets hostile values too."""
    return weekday_hours_publish()


@given(body=bodies(with_extras(appointment_forms())), headers=browser_headers(host=True))
def test_appointment_request_form_survives_hostile_posts(send, scheduling_page, published_hours, body, headers):
    TALLY.case("appointment request form (POST /schedule/)")
    before = AppointmentRequest.objects.count()
    response = send("POST", SCHEDULE, body=body, headers=headers)
    assert_safe_response(response)
    if accepted(response, THANK_YOU):
        assert AppointmentRequest.objects.count() in (before, before + 1)  # Same again: a double submit.
    else:
        assert AppointmentRequest.objects.count() == before


# Accepted with hostile text: what reaches the database and the emails

# Text a form accepts as it is (no control characters, short enough) yet hostile to HTML and email headers.
acceptable_text = st.lists(
    st.one_of(
        st.sampled_from(MARKUP_PAYLOADS),
        st.sampled_from(["Bcc: victim@evil.example", "=?utf-8?q?=0D=0A?=", "%0d%0a", "\\r\\n", "Subject: x"]),
        st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=10),
    ),
    min_size=1,
    max_size=3,
).map("".join)


@given(
    fields=st.fixed_dictionaries({}, optional=dict.fromkeys(TEXT_FIELDS, acceptable_text)),
    encode=st.sampled_from([urlencoded, multipart]),
)
def test_accepted_appointment_requests_send_only_safe_emails(send, scheduling_page, fields, encode):
    TALLY.case("appointment request form, hostile text that is accepted")
    data = APPOINTMENT | {"started": backdated_token(salt=TIMING_SALT, value="form", seconds_ago=60)} | fields
    data["name"] = data["name"][:100] or "Jordan"
    response = send("POST", SCHEDULE, body=encode(data))
    assert_safe_response(response)
    if response.status_code == 200:  # Refused with a message (a field too long, a line separator…).
        assert "There is a problem" in response.content.decode()
    accepted(response, THANK_YOU)


@given(email=st.emails(), first_name=acceptable_text, page_form=st.booleans())
def test_accepted_subscriptions_send_only_safe_emails(send, home_page, email, first_name, page_form):
    TALLY.case("subscribe, hostile first name that is accepted")
    data = {"email": f"r{TALLY.total}-{email}", "first_name": first_name}
    if page_form:
        data["started"] = backdated_token(salt=STARTED_SALT, value=str(int(time.time()) - 10), seconds_ago=10)
    response = send("POST", NEWSLETTER if page_form else SUBSCRIBE, body=urlencoded(data))
    assert_safe_response(response)
    if accepted(response, CHECK_INBOX):
        assert len(mail.outbox) == 1  # The confirmation, to a new address.


# Search

search_params = with_extras(
    st.fixed_dictionaries(
        {}, optional={"q": st.one_of(st.sampled_from(MARKUP_PAYLOADS), hostile_value), "page": hostile_value}
    )
)
# A query string as it arrives on the wire: any bytes a WSGI server passes on (latin-1 text).
raw_query_strings = st.one_of(
    header_text,
    st.lists(
        st.sampled_from(["q=", "%", "%FF", "%00", "%zz", "&", "=", "+", "%E2%80", "page=", "q[]=", ";"]), max_size=8
    ).map("".join),
)


@given(
    params=st.one_of(search_params.map(lambda p: urlencode(p, doseq=True)), raw_query_strings),
    headers=browser_headers(host=True),
)
def test_search_survives_hostile_queries(send, home_page, params, headers):
    TALLY.case("search (GET /search/?q=)")
    response = send("GET", f"{SEARCH}?{params}", headers=headers)
    assert_safe_response(response)
    assert response.status_code in (200, 400)


# Cross-site POSTs and unexpected methods


CROSS_SITE_ATTACKS = ["no token", "wrong token", "token, foreign origin", "token, null origin", "no cookie"]


@given(
    attack=st.sampled_from(CROSS_SITE_ATTACKS),
    path=st.sampled_from([NEWSLETTER, SCHEDULE]),
    form=with_extras(st.one_of(appointment_forms(), subscribe_forms)),
    wrong_token=st.one_of(
        st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=32, max_size=64),
        short_hostile_text,
    ),
)
def test_cross_site_posts_to_the_csrf_protected_forms_are_refused(scheduling_page, attack, path, form, wrong_token):
    TALLY.case("cross-site POST to /newsletter/ or /schedule/ (CSRF enforced)")
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)
    headers = {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}
    if attack != "no cookie":
        browser.get(path)  # The visitor's browser has our CSRF cookie from an earlier visit.
        token = browser.cookies["csrftoken"].value
    else:
        token = "a" * 32
    if attack == "wrong token":
        form = form | {"csrfmiddlewaretoken": wrong_token}
    elif attack != "no token":
        form = form | {"csrfmiddlewaretoken": token}
    if attack == "token, null origin":
        headers["Origin"] = "null"
    stored = (Subscriber.objects.count(), AppointmentRequest.objects.count())

    body = urlencoded(form)
    response = browser.generic("POST", path, data=body.data, content_type=body.content_type, headers=headers)

    assert_safe_response(response)
    assert response.status_code == 403
    assert (Subscriber.objects.count(), AppointmentRequest.objects.count()) == stored
    assert mail.outbox == []


PUBLIC_PATHS = [
    SUBSCRIBE,
    NEWSLETTER,
    SCHEDULE,
    THANK_YOU,
    SEARCH,
    CHECK_INBOX,
    "/newsletter/confirm/x/",
    "/newsletter/unsubscribe/x/",
]


@given(
    method=st.sampled_from(["PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "HEAD", "PROPFIND", "POST"]),
    path=st.sampled_from(PUBLIC_PATHS),
    body=st.one_of(st.none(), bodies(with_extras(st.just({})))),
    headers=browser_headers(host=True),
)
def test_unexpected_methods_and_bodies_on_every_public_url_never_fail(
    send, scheduling_page, method, path, body, headers
):
    TALLY.case("any method and body on every public form and link URL")
    response = send(method, path, body=body, headers=headers)
    assert_safe_response(response)
    if path in (THANK_YOU, SEARCH) and method == "POST":
        assert response.status_code in ({400, 405} if "Host" in headers else {405})  # 400: a malformed Host.
