from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from newsletter import services, tokens
from newsletter.forms import CONSENT_VERSION
from newsletter.models import Delivery, DeliveryKind, Subscriber, SubscriberStatus
from practice.outbox import OutboxState
from tests.newsletter.factories import DeliveryFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribe(committed):
    def subscribe(email="new@example.com", first_name="Ana"):
        with committed():
            services.subscriber_subscribe(email=email, first_name=first_name, consent_version=CONSENT_VERSION)

    return subscribe


def confirm_token_from(message) -> str:
    for line in message.body.splitlines():
        if "/newsletter/confirm/" in line:
            return urlsplit(line.strip()).path.split("/")[3]
    raise AssertionError("no confirmation link in the email")


def test_new_address_becomes_pending_and_gets_one_confirmation_email(practice_details, subscribe, mailoutbox):
    subscribe(email="  New@Example.COM ")

    subscriber = Subscriber.objects.get()
    assert subscriber.email == "new@example.com"
    assert subscriber.status == SubscriberStatus.PENDING
    assert subscriber.consent_version == CONSENT_VERSION
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["new@example.com"]
    assert "confirm" in message.subject.lower()
    assert "Better Lives, Building Tribes" in message.from_email
    assert tokens.subscriber_from_confirm_token(token=confirm_token_from(message)) == subscriber
    assert Delivery.objects.get().state == OutboxState.SENT


def test_confirmation_link_carries_the_opaque_token_never_the_address(practice_details, subscribe, mailoutbox):
    subscribe(email="private.person@example.com")

    token = confirm_token_from(mailoutbox[0])
    assert "private" not in token
    assert "private" not in signing.b64_decode(token.split(":")[0].encode() + b"==").decode(errors="ignore")
    assert str(Subscriber.objects.get().token) in token


def test_pending_address_gets_at_most_one_confirmation_per_ten_minutes(practice_details, subscribe, mailoutbox):
    subscribe()
    subscribe()
    assert len(mailoutbox) == 1

    Subscriber.objects.update(confirmation_sent_at=timezone.now() - timedelta(minutes=11))
    subscribe()
    assert len(mailoutbox) == 2


def test_active_subscriber_asking_again_gets_nothing(subscribe, mailoutbox):
    SubscriberFactory(email="here@example.com")
    subscribe(email="HERE@example.com")
    assert mailoutbox == []
    assert Subscriber.objects.get().status == SubscriberStatus.ACTIVE


def test_unsubscribed_address_subscribing_again_becomes_pending(practice_details, subscribe, mailoutbox):
    SubscriberFactory(email="back@example.com", unsubscribed=True)
    subscribe(email="back@example.com", first_name="Bea")

    subscriber = Subscriber.objects.get()
    assert subscriber.status == SubscriberStatus.PENDING
    assert subscriber.first_name == "Bea"
    assert subscriber.unsubscribed_at is None
    assert len(mailoutbox) == 1


def test_subscribing_keeps_the_request_even_when_email_sending_fails(practice_details, subscribe, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.newsletter.mailers.FailingBackend"}}
    subscribe()

    delivery = Delivery.objects.get()
    assert Subscriber.objects.get().status == SubscriberStatus.PENDING
    assert (delivery.state, delivery.attempts) == (OutboxState.PENDING, 1)  # Retried after the backoff.
    assert delivery.next_try_at > timezone.now()
    assert delivery.last_error == "SMTPServerDisconnected"


def test_confirm_activates_a_pending_subscriber_once():
    subscriber = SubscriberFactory(pending=True)
    assert services.subscriber_confirm(subscriber=subscriber) is True
    assert services.subscriber_confirm(subscriber=subscriber) is False
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.ACTIVE
    assert subscriber.confirmed_at is not None


def test_confirm_link_of_an_unsubscribed_subscriber_is_refused():
    subscriber = SubscriberFactory(unsubscribed=True)
    with pytest.raises(tokens.LinkInvalid):
        services.subscriber_confirm(subscriber=subscriber)


def test_unsubscribe_is_idempotent_and_skips_waiting_deliveries():
    delivery = DeliveryFactory()
    subscriber = delivery.subscriber
    assert services.subscriber_unsubscribe(subscriber=subscriber) is True
    assert services.subscriber_unsubscribe(subscriber=subscriber) is False
    subscriber.refresh_from_db()
    delivery.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None
    assert delivery.state == OutboxState.CANCELLED


def test_delete_removes_the_subscriber_its_deliveries_and_its_admin_log_entries(admin_user):
    delivery = DeliveryFactory()
    subscriber = delivery.subscriber
    other = SubscriberFactory()
    for who in (subscriber, other):
        log(instance=who, action="wagtail.edit", user=admin_user)

    services.subscriber_delete(subscriber=subscriber)

    assert not Subscriber.objects.filter(pk=subscriber.pk).exists()
    assert not Delivery.objects.filter(pk=delivery.pk).exists()
    assert list(ModelLogEntry.objects.values_list("object_id", flat=True)) == [str(other.pk)]


def test_subscriber_label_is_not_the_email():
    subscriber = SubscriberFactory(email="secret@example.com")
    assert "secret" not in str(subscriber)


def test_prune_deletes_only_pending_subscribers_older_than_thirty_days():
    now = timezone.now()
    old_pending = SubscriberFactory(pending=True, created_at=now - timedelta(days=31))
    DeliveryFactory(kind=DeliveryKind.CONFIRMATION, mailing=None, subscriber=old_pending)
    young_pending = SubscriberFactory(pending=True, created_at=now - timedelta(days=29))
    old_active = SubscriberFactory(created_at=now - timedelta(days=400))

    assert services.subscribers_prune(now=now) == 1
    assert services.subscribers_prune(now=now) == 0
    assert set(Subscriber.objects.all()) == {young_pending, old_active}
