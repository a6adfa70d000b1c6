import pytest
from django.core import signing
from django.utils import timezone

from newsletter import tokens
from tests.newsletter.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def test_tampered_and_foreign_confirm_tokens_are_refused():
    subscriber = SubscriberFactory(pending=True)
    token = tokens.confirm_token_make(subscriber=subscriber)
    with pytest.raises(tokens.LinkInvalid):
        tokens.subscriber_from_confirm_token(token=token[:-2] + "xx")
    with pytest.raises(tokens.LinkInvalid):
        # Signed correctly but for the unsubscribe links: a foreign token.
        tokens.subscriber_from_confirm_token(token=tokens.unsubscribe_token_make(subscriber=subscriber))
    with pytest.raises(tokens.LinkInvalid):
        other = signing.TimestampSigner(salt=tokens.CONFIRM_SALT).sign("not-a-uuid")
        tokens.subscriber_from_confirm_token(token=other)


def signed_days_ago(subscriber, days: int) -> str:
    signer = signing.TimestampSigner(salt=tokens.CONFIRM_SALT)
    then = signing.b62_encode(int(timezone.now().timestamp()) - days * 24 * 3600)
    value = f"{subscriber.token}{signer.sep}{then}"
    return f"{value}{signer.sep}{signer.signature(value)}"


def test_confirm_token_works_for_seven_days_then_expires():
    subscriber = SubscriberFactory(pending=True)
    assert tokens.subscriber_from_confirm_token(token=signed_days_ago(subscriber, 6)) == subscriber
    with pytest.raises(tokens.LinkExpired):
        tokens.subscriber_from_confirm_token(token=signed_days_ago(subscriber, 8))


def test_unsubscribe_token_never_expires_and_rejects_tampering():
    subscriber = SubscriberFactory()
    token = tokens.unsubscribe_token_make(subscriber=subscriber)
    assert tokens.subscriber_from_unsubscribe_token(token=token) == subscriber
    with pytest.raises(tokens.LinkInvalid):
        tokens.subscriber_from_unsubscribe_token(token=token.replace(str(subscriber.token)[:4], "0000"))
    with pytest.raises(tokens.LinkInvalid):
        tokens.subscriber_from_unsubscribe_token(token=tokens.confirm_token_make(subscriber=subscriber))
