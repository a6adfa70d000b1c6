from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsletter import messages as newsletter_messages
from newsletter import services, tokens
from newsletter.messages import DELIVERY_OUTBOX
from newsletter.models import Delivery, Mailing
from practice import outbox
from practice.outbox import OutboxState
from tests.newsletter import mailers
from tests.newsletter.factories import SubscriberFactory
from tests.practice.factories import StandardPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(home_page):
    """A plain page standing in for an article: the newsletter never knows what kind of page it is."""
    return StandardPageFactory(parent=home_page, title="Finding calm in a busy week", slug="finding-calm")


def create(article, **overrides):
    content = {
        "page": article,
        "subject": article.title,
        "summary": "Five small habits that help.",
        "url": "http://testserver/articles/finding-calm/",
        "image_url": "http://testserver/media/images/calm.jpg",
    }
    return services.mailing_create_for_page(**content | overrides)


def resume(*, now=None):
    """The resume job's outcomes for the newsletter's outbox."""
    return outbox.outbox_resume(now=now)["newsletter.Delivery"]


def use_backend(settings, name):
    settings.MAILERS = {"default": {"BACKEND": f"tests.newsletter.mailers.{name}"}}


def test_mailing_goes_once_to_every_active_subscriber_after_commit(practice_details, article, committed, mailoutbox):
    active = SubscriberFactory.create_batch(3)
    SubscriberFactory(pending=True)
    SubscriberFactory(unsubscribed=True)

    with committed():
        mailing = create(article)
        assert mailoutbox == []  # Nothing leaves before the transaction commits.

    assert sorted(m.to[0] for m in mailoutbox) == sorted(s.email for s in active)
    assert mailing.sender_name == "Better Lives, Building Tribes"
    assert set(mailing.deliveries.values_list("state", flat=True)) == {OutboxState.SENT}


def test_second_call_for_the_same_page_creates_nothing(article, committed, mailoutbox):
    SubscriberFactory()
    with committed():
        assert create(article) is not None
        assert create(article, subject="Edited title") is None
    assert Mailing.objects.count() == 1
    assert len(mailoutbox) == 1


def test_mailing_email_has_content_postal_address_and_one_click_unsubscribe(
    practice_details, article, committed, mailoutbox
):
    subscriber = SubscriberFactory(first_name="Jo")
    with committed():
        create(article)

    message = mailoutbox[0]
    html = message.alternatives[0].content
    unsubscribe = tokens.unsubscribe_url(subscriber=subscriber)
    assert message.subject == "Finding calm in a busy week"
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    for body in (message.body, html):
        assert "Five small habits that help." in body
        assert "http://testserver/articles/finding-calm/" in body
        assert "1550 Larimer Street" in body
        assert unsubscribe in body
        assert "because you subscribed" in body
    assert "Read the article" in html
    assert 'src="http://testserver/media/images/calm.jpg"' in html
    assert 'alt=""' in html
    raw = message.message().as_string()
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw
    sent = message.message()
    assert sent["List-Id"] == '"Better Lives, Building Tribes articles" <articles.testserver>'
    assert sent["Auto-Submitted"] == "auto-generated"
    assert sent["From"].startswith('"Better Lives, Building Tribes" <')
    assert sent["Message-ID"].endswith("@testserver>")


def test_mailing_footer_names_the_practice_once_even_for_an_address_stored_with_the_name(
    practice_details, article, committed, mailoutbox
):
    SubscriberFactory()
    with committed():
        mailing = create(article)
    # Mailings queued before the address had fields stored it with the practice's name as its first line.
    mailing.postal_address = "Better Lives, Building Tribes\n1550 Larimer Street\nDenver, CO 80202"
    mailing.save()
    message = newsletter_messages.mailing_message(mailing=mailing, subscriber=mailing.deliveries.first().subscriber)

    html = message.alternatives[0].content
    assert "Better Lives, Building Tribes\n1550 Larimer Street\nDenver, CO 80202" in message.body
    assert "Better Lives, Building Tribes<br>1550 Larimer Street<br>Denver, CO 80202" in html
    assert "Tribes\nBetter Lives" not in message.body and "Tribes<br>Better Lives" not in html


def test_title_with_newlines_and_markup_cannot_inject_headers(article, committed, mailoutbox):
    SubscriberFactory(first_name="<script>alert(1)</script>")
    with committed():
        create(article, subject="Calm\r\nBcc: victim@example.com <b>now</b>")

    message = mailoutbox[0]
    headers = message.message().as_string().split("\n\n")[0]
    assert "Bcc" not in [line.split(":")[0] for line in headers.splitlines()]
    assert message.recipients() == [message.to[0]]
    assert "\n" not in message.subject
    html = message.alternatives[0].content
    assert "<script>" not in html
    assert "&lt;b&gt;now&lt;/b&gt;" in html


def test_subscriber_who_leaves_before_their_turn_is_skipped(article, mailoutbox):
    staying, leaving = SubscriberFactory.create_batch(2)
    create(article)  # Not committed yet: nothing sent.
    services.subscriber_unsubscribe(subscriber=leaving)

    outbox.outbox_send(outbox=DELIVERY_OUTBOX)

    assert [m.to[0] for m in mailoutbox] == [staying.email]
    assert Delivery.objects.get(subscriber=leaving).state == OutboxState.CANCELLED


def test_failed_delivery_is_retried_with_backoff_and_never_sent_twice(article, settings, committed, mailoutbox):
    ok, flaky = SubscriberFactory.create_batch(2)
    use_backend(settings, "FlakyBackend")
    mailers.FlakyBackend.refuse = {flaky.email}
    create(article)

    outbox.outbox_send(outbox=DELIVERY_OUTBOX)
    failed = Delivery.objects.get(subscriber=flaky)
    assert failed.state == OutboxState.PENDING  # Pending its retry, after the backoff.
    assert failed.next_try_at > timezone.now()
    assert failed.attempts == 1
    assert failed.last_error == "SMTPRecipientsRefused"  # No address in the stored error.
    assert [m.to[0] for m in mailoutbox] == [ok.email]

    # Not due yet: the resume job leaves it alone.
    with committed():
        assert resume() == {}
    assert len(mailoutbox) == 1

    mailers.FlakyBackend.refuse = set()
    Delivery.objects.filter(pk=failed.pk).update(next_try_at=timezone.now() - timedelta(seconds=1))
    with committed():
        assert resume() == {"sent": 1}
    outbox.outbox_send(outbox=DELIVERY_OUTBOX)  # A duplicate task finds nothing left to do.
    assert Counter(m.to[0] for m in mailoutbox) == {ok.email: 1, flaky.email: 1}
    assert Delivery.objects.get(subscriber=flaky).state == OutboxState.SENT


def test_delivery_gives_up_after_the_last_attempt(article, settings, mailoutbox):
    subscriber = SubscriberFactory()
    use_backend(settings, "FlakyBackend")
    mailers.FlakyBackend.refuse = {subscriber.email}
    create(article)
    delivery = Delivery.objects.get()

    now = timezone.now()
    for _ in range(outbox.MAX_ATTEMPTS):
        outbox.outbox_send_claimed(outbox=DELIVERY_OUTBOX, rows=outbox.outbox_claim(outbox=DELIVERY_OUTBOX, now=now))
        delivery.refresh_from_db()
        now = (delivery.next_try_at or now) + timedelta(seconds=1)

    assert delivery.state == OutboxState.FAILED
    assert delivery.attempts == outbox.MAX_ATTEMPTS
    assert delivery.next_try_at is None
    assert outbox.outbox_claim(outbox=DELIVERY_OUTBOX, now=now + timedelta(days=365)) == []
    mailers.FlakyBackend.refuse = set()


def test_crash_mid_chunk_never_resends_and_everyone_else_gets_exactly_one(article, settings, mailoutbox):
    subscribers = SubscriberFactory.create_batch(25)
    create(article)
    use_backend(settings, "CrashingBackend")
    mailers.CrashingBackend.crash_after, mailers.CrashingBackend.delivered = 3, 0

    with pytest.raises(mailers.WorkerDied):
        outbox.outbox_send(outbox=DELIVERY_OUTBOX, chunk_size=10)
    in_flight = set(Delivery.objects.filter(state=OutboxState.SENDING).values_list("subscriber__email", flat=True))
    assert len(in_flight) == 10
    assert len(mailoutbox) == 3

    # Another worker carries on with the rest; the dead worker's chunk is not due.
    use_backend(settings, "FlakyBackend")
    outbox.outbox_send(outbox=DELIVERY_OUTBOX, chunk_size=10)
    # Fifteen minutes later the resume job gives up on the dead chunk: unknown, never resent.
    assert resume(now=timezone.now() + timedelta(minutes=16)) == {"unknown": 10}
    outbox.outbox_send(outbox=DELIVERY_OUTBOX)

    received = Counter(m.to[0] for m in mailoutbox)
    assert max(received.values()) == 1
    assert {s.email for s in subscribers} - in_flight <= set(received)
    assert Delivery.objects.filter(state=OutboxState.UNKNOWN).count() == 10
    assert Delivery.objects.filter(state=OutboxState.SENT).count() == 15


def test_resume_leaves_recent_sending_rows_alone(article):
    SubscriberFactory()
    create(article)
    outbox.outbox_claim(outbox=DELIVERY_OUTBOX)

    assert resume(now=timezone.now() + timedelta(minutes=14)) == {}
    assert Delivery.objects.get().state == OutboxState.SENDING


def test_queries_per_chunk_do_not_grow_with_chunk_size(article, mailoutbox):
    SubscriberFactory.create_batch(60)
    create(article)

    def queries_for(chunk_size):
        with CaptureQueriesContext(connection) as context:
            outbox.outbox_send_claimed(
                outbox=DELIVERY_OUTBOX, rows=outbox.outbox_claim(outbox=DELIVERY_OUTBOX, chunk_size=chunk_size)
            )
        return len(context.captured_queries)

    assert queries_for(5) == queries_for(50)
    assert queries_for(5) <= 8


def test_preview_renders_the_email_without_sending(practice_details, mailoutbox):
    text, html = newsletter_messages.mailing_render_preview(
        subject="A new article", summary="Its summary.", url="http://testserver/a/", image_url=None
    )
    assert "A new article" in text
    assert "Its summary." in html
    assert "Better Lives, Building Tribes" in html
    assert "<img" not in html
    assert mailoutbox == []
    assert not Delivery.objects.exists()


def test_send_test_goes_to_the_staff_address_only(article, mailoutbox):
    SubscriberFactory()
    mailing = create(article)

    services.mailing_send_test(mailing=mailing, email="editor@practice.example")

    assert [m.to for m in mailoutbox] == [["editor@practice.example"]]
    assert mailoutbox[0].subject.startswith("[Test]")
    assert set(Delivery.objects.values_list("state", flat=True)) == {OutboxState.PENDING}


def test_resume_outbox_command_reports_and_sends_due(article, committed, mailoutbox):
    SubscriberFactory.create_batch(2)
    create(article)

    with committed():
        out = call_command_output("resume_outbox")

    assert "newsletter.Delivery: 2 sent." in out
    assert len(mailoutbox) == 2
    assert "newsletter.Delivery: nothing due." in call_command_output("resume_outbox")


def test_prune_subscribers_command_is_idempotent():
    SubscriberFactory(pending=True, created_at=timezone.now() - timedelta(days=40))
    assert "Deleted 1 " in call_command_output("prune_subscribers")
    assert "Deleted 0 " in call_command_output("prune_subscribers")


def call_command_output(name, *args):
    out = StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def test_an_unreachable_mail_server_leaves_the_chunk_retryable_not_stuck(article, settings, committed, mailoutbox):
    subscribers = SubscriberFactory.create_batch(3)
    use_backend(settings, "UnreachableBackend")
    create(article)

    result = outbox.outbox_send_claimed(outbox=DELIVERY_OUTBOX, rows=outbox.outbox_claim(outbox=DELIVERY_OUTBOX))

    assert result == {"pending": 3}
    # Pending a retry after the backoff, never left `sending`, which the resume job would turn into `unknown`.
    assert set(Delivery.objects.values_list("state", flat=True)) == {OutboxState.PENDING}
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}
    assert set(Delivery.objects.values_list("last_error", flat=True)) == {"ConnectionRefusedError"}

    use_backend(settings, "FlakyBackend")
    mailers.FlakyBackend.refuse = set()
    Delivery.objects.update(next_try_at=timezone.now() - timedelta(seconds=1))
    with committed():
        assert resume() == {"sent": 3}
    assert sorted(m.to[0] for m in mailoutbox) == sorted(s.email for s in subscribers)
