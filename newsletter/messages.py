"""The newsletter's emails, rendered and never written down: the confirmation request, the new-article
mailing and its preview, and how the outbox turns a delivery into one of them."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from wagtail.models import Site

from newsletter.models import Delivery, DeliveryKind, Mailing, Subscriber, SubscriberStatus
from newsletter.tokens import absolute_url, confirm_url, unsubscribe_url
from practice.email import automatic_message, site_hostname
from practice.models import PracticeDetails
from practice.outbox import Outbox


def practice_details(*, site: Site | None = None) -> PracticeDetails:
    site = site or Site.objects.filter(is_default_site=True).first()
    return PracticeDetails.for_site(site)


def _mailing_context(mailing: Mailing) -> dict:
    # Mailings made before the address had fields kept the name as its first line; the footer prints it once.
    postal_address, sender_name = mailing.postal_address, mailing.sender_name
    lines = postal_address.splitlines()
    if lines and lines[0].strip().casefold() == sender_name.strip().casefold():
        postal_address = "\n".join(lines[1:])
    return {
        "subject": mailing.subject,
        "summary": mailing.summary,
        "url": mailing.url,
        "image_url": mailing.image_url,
        "sender_name": sender_name,
        "postal_address": postal_address,
        "site_url": settings.SITE_URL,
    }


def _render(template: str, context: dict) -> tuple[str, str]:
    return (
        render_to_string(f"newsletter/email/{template}.txt", context),
        render_to_string(f"newsletter/email/{template}.html", context),
    )


def mailing_render_preview(
    *,
    subject: str,
    summary: str,
    url: str,
    image_url: str | None,
    site: Site | None = None,
) -> tuple[str, str]:
    """The new-article email as a subscriber would get it (text, HTML), without sending anything."""
    details = practice_details(site=site)
    mailing = Mailing(
        subject=subject,
        summary=summary,
        url=url,
        image_url=image_url or "",
        sender_name=details.practice_name,
        postal_address=details.postal_address,
    )
    context = _mailing_context(mailing) | {
        "first_name": "",
        "unsubscribe_url": absolute_url(reverse("newsletter:index")),
        "preview": True,
    }
    return _render("new_article", context)


def _list_id(sender_name: str) -> str:
    """RFC 2919 List-Id: the list's name, then an id under the site's own domain that never changes."""
    name = sender_name.replace('"', "").replace("\\", "")
    return f'"{name} articles" <articles.{site_hostname()}>'


def mailing_message(*, mailing: Mailing, subscriber: Subscriber) -> EmailMultiAlternatives:
    link = unsubscribe_url(subscriber=subscriber)
    context = _mailing_context(mailing) | {"first_name": subscriber.first_name, "unsubscribe_url": link}
    text, html = _render("new_article", context)
    return automatic_message(
        subject=mailing.subject,
        text=text,
        html=html,
        to=subscriber.email,
        sender_name=mailing.sender_name,
        headers={
            "List-Id": _list_id(mailing.sender_name),
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def confirmation_message(*, subscriber: Subscriber, details: PracticeDetails) -> EmailMultiAlternatives:
    context = {
        "first_name": subscriber.first_name,
        "confirm_url": confirm_url(subscriber=subscriber),
        "subscribe_url": absolute_url(reverse("newsletter:index")),
        "sender_name": details.practice_name,
        "postal_address": details.postal_address,
        "site_url": settings.SITE_URL,
    }
    text, html = _render("confirm", context)
    return automatic_message(
        subject=f"Please confirm your subscription to {details.practice_name}",
        text=text,
        html=html,
        to=subscriber.email,
        sender_name=details.practice_name,
    )


class DeliveryOutbox(Outbox):
    """The newsletter's part of the outbox: its emails, and when the subscriber no longer wants them."""

    model = Delivery
    related = ("subscriber", "mailing")

    def message(self, row: Delivery, *, memo: dict) -> EmailMultiAlternatives:
        if row.kind == DeliveryKind.CONFIRMATION:
            if "details" not in memo:
                memo["details"] = practice_details()
            return confirmation_message(subscriber=row.subscriber, details=memo["details"])
        return mailing_message(mailing=row.mailing, subscriber=row.subscriber)

    def overtaken(self, row: Delivery) -> bool:
        # A confirmation request is for a pending subscriber only, a mailing for an active one.
        wanted = SubscriberStatus.PENDING if row.kind == DeliveryKind.CONFIRMATION else SubscriberStatus.ACTIVE
        return row.subscriber.status != wanted


DELIVERY_OUTBOX = DeliveryOutbox()
