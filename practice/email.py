"""The envelope every email from the site shares: the practice's name as sender, ids from the site's own domain."""

from email.utils import formataddr, make_msgid, parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives


def site_hostname() -> str:
    """The public host name, from SITE_URL: what Message-IDs, calendar UIDs and List-Ids are scoped to."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def from_address(display_name: str) -> str:
    """DEFAULT_FROM_EMAIL's address under the practice's name: "Better Lives, Building Tribes" <hello@…>."""
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((display_name, address or settings.DEFAULT_FROM_EMAIL))


def automatic_message(
    *,
    subject: str,
    text: str,
    html: str,
    to: str,
    sender_name: str,
    headers: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    """A text + HTML email the site sends by itself (RFC 3834 `Auto-Submitted: auto-generated`, so
    auto-responders stay quiet), from the practice's name, with a Message-ID of the public domain rather
    than the server's host name (which says nothing to the reader and may be internal)."""
    message = EmailMultiAlternatives(
        # Django refuses newlines in headers; a subject never needs one.
        subject=" ".join(subject.split()),
        body=text,
        from_email=from_address(sender_name),
        to=[to],
        headers={
            "Message-ID": make_msgid(domain=site_hostname()),
            "Auto-Submitted": "auto-generated",
            **(headers or {}),
        },
    )
    message.attach_alternative(html, "text/html")
    return message
