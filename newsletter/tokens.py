"""The newsletter's signed links: confirm (valid for seven days) and unsubscribe, built on the subscriber's
opaque token, and reading them back."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from newsletter.models import Subscriber

CONFIRM_SALT = "newsletter.confirm"
UNSUBSCRIBE_SALT = "newsletter.unsubscribe"
CONFIRM_MAX_AGE = timedelta(days=7)


class LinkInvalid(Exception):
    """A tampered, foreign or no longer applicable link."""


class LinkExpired(LinkInvalid):
    """A confirmation link older than seven days."""


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


def confirm_token_make(*, subscriber: Subscriber) -> str:
    # Built on the opaque token, never the address: signed values are only base64, readable by anyone.
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(str(subscriber.token))


def unsubscribe_token_make(*, subscriber: Subscriber) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(subscriber.token))


def confirm_url(*, subscriber: Subscriber) -> str:
    return absolute_url(reverse("newsletter:confirm", args=[confirm_token_make(subscriber=subscriber)]))


def unsubscribe_url(*, subscriber: Subscriber) -> str:
    return absolute_url(reverse("newsletter:unsubscribe", args=[unsubscribe_token_make(subscriber=subscriber)]))


def _subscriber_from(unsign) -> Subscriber:
    try:
        return Subscriber.objects.get(token=uuid.UUID(unsign()))
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except (signing.BadSignature, ValueError, Subscriber.DoesNotExist) as error:
        raise LinkInvalid from error


def subscriber_from_confirm_token(*, token: str) -> Subscriber:
    return _subscriber_from(lambda: signing.TimestampSigner(salt=CONFIRM_SALT).unsign(token, max_age=CONFIRM_MAX_AGE))


def subscriber_from_unsubscribe_token(*, token: str) -> Subscriber:
    return _subscriber_from(lambda: signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token))
