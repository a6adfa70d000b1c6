"""The envelope every email from the site shares: the practice's name as sender, ids from the site's own domain."""

from email.utils import formataddr, make_msgid, parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives


def site_hostname() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def automatic_message(
    *,
    subject: str,
    text: str,
    html: str,
    to: str,
    sender_name: str,
    headers: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    """A text + HTML email the site sends by itself (`Auto-Submitted` keeps auto-responders quiet), with a
    Message-ID of the public domain, not the server's (possibly internal) host name."""
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    message = EmailMultiAlternatives(
        # Django refuses newlines in headers; a subject never needs one.
        subject=" ".join(subject.split()),
        body=text,
        from_email=formataddr((sender_name, address or settings.DEFAULT_FROM_EMAIL)),
        to=[to],
        headers={
            "Message-ID": make_msgid(domain=site_hostname()),
            "Auto-Submitted": "auto-generated",
            **(headers or {}),
        },
    )
    message.attach_alternative(html, "text/html")
    return message
