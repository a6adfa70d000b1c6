from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone
from wagtail.images.models import Image
from wagtail.models import Page, Revision, Site

from newsletter.models import Delivery, DeliveryKind
from practice import outbox
from practice.demo.loader import demo_data
from practice.models import HomePage, PracticeDetails, StandardPage
from practice.outbox import OutboxState
from scheduling.models.appointments import NotificationDelivery, NotificationKind
from tests.newsletter.factories import SubscriberFactory
from tests.scheduling.factories import AppointmentRequestFactory

pytestmark = pytest.mark.django_db

DEMO_SLUGS = ["about", "services", "fees-and-insurance", "faq", "privacy-policy", "accessibility"]


def run(*args, **options):
    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def snapshot():
    return {
        "pages": list(Page.objects.order_by("path").values_list("path", "slug", "title", "live")),
        "revisions": Revision.objects.count(),
        "images": list(Image.objects.order_by("pk").values_list("pk", "title", "file")),
        "details": list(PracticeDetails.objects.values()),
        "sites": list(Site.objects.values()),
    }


def test_load_demo_content_builds_a_complete_site(client):
    output = run("load_demo_content")

    assert "Demo content loaded" in output
    home = HomePage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    children = list(home.get_children().values_list("slug", flat=True))
    # The practice's pages come first, then the feature apps' (articles, scheduling).
    assert children[: len(DEMO_SLUGS)] == DEMO_SLUGS
    assert all(page.live for page in StandardPage.objects.all())
    # Wagtail's "Welcome" page is gone: one home page at the root.
    assert Page.get_first_root_node().get_children().count() == 1

    details = PracticeDetails.for_site(Site.objects.get(is_default_site=True))
    assert details.phone == "(303) 578-9317"
    assert details.front_desk_email
    assert details.privacy_page.slug == "privacy-policy"
    assert details.accessibility_page.slug == "accessibility"

    for url in ["/", *(f"/{slug}/" for slug in DEMO_SLUGS)]:
        assert client.get(url).status_code == 200, url


def test_load_demo_content_twice_changes_nothing():
    run("load_demo_content")
    before = snapshot()

    output = run("load_demo_content")

    assert "nothing changed" in output
    assert snapshot() == before


def test_load_demo_content_keeps_the_clinicians_edits():
    run("load_demo_content")
    details = PracticeDetails.objects.get()
    details.phone = "(720) 555-0100"
    details.save()
    StandardPage.objects.get(slug="faq").delete()

    run("load_demo_content")

    assert PracticeDetails.objects.get().phone == "(720) 555-0100"
    # A missing demo page is restored; an edited setting is not overwritten.
    assert StandardPage.objects.filter(slug="faq").exists()


def test_load_demo_content_if_empty_leaves_an_existing_site_alone(home_page):
    output = run("load_demo_content", "--if-empty")

    assert "not loaded" in output
    assert not StandardPage.objects.exists()


def test_demo_images_are_generated_locally_with_alt_text():
    run("load_demo_content")
    specs = demo_data()["images"]
    images = Image.objects.filter(title__in=[spec["title"] for spec in specs.values()])
    assert images.count() == len(specs) == 3
    for image in images:
        assert image.description
        assert image.width >= 1200


def test_create_local_admin_prints_credentials_once(settings):
    settings.DEBUG = True
    output = run("create_local_admin")

    user = get_user_model().objects.get()
    assert user.is_superuser and user.username == "admin"
    password = output.split("Password:")[1].split()[0]
    assert user.check_password(password)
    assert f"{settings.SITE_URL}/admin/" in output

    output = run("create_local_admin")
    assert "Users exist already" in output
    assert "Password" not in output
    assert get_user_model().objects.count() == 1


def test_create_local_admin_refuses_outside_development(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="outside development"):
        run("create_local_admin")
    assert not get_user_model().objects.exists()


def test_system_check_is_clean():
    output = run("check")
    assert "no issues" in output


def test_resume_outbox_gives_up_on_stuck_emails_and_sends_what_is_due_in_every_app(practice_details, mailoutbox):
    now = timezone.now()
    appointment_request = AppointmentRequestFactory()
    for kind, next_try_at in [
        (NotificationKind.FRONT_DESK_ALERT, now - timedelta(minutes=1)),
        (NotificationKind.CLIENT_ACKNOWLEDGEMENT, now + timedelta(hours=1)),
    ]:
        NotificationDelivery.objects.create(
            appointment_request=appointment_request, kind=kind, next_try_at=next_try_at
        )
    reader, stuck = SubscriberFactory.create_batch(2, pending=True)
    Delivery.objects.create(kind=DeliveryKind.CONFIRMATION, subscriber=reader)
    Delivery.objects.create(
        kind=DeliveryKind.CONFIRMATION,
        subscriber=stuck,
        state=OutboxState.SENDING,
        claimed_at=now - outbox.STALE_SENDING_AFTER - timedelta(seconds=1),
    )

    assert (
        run("resume_outbox") == "newsletter.Delivery: 1 sent, 1 unknown.\nscheduling.NotificationDelivery: 1 sent.\n"
    )
    assert sorted(m.to[0] for m in mailoutbox) == sorted(["frontdesk@practice.example", reader.email])
    assert Delivery.objects.get(subscriber=stuck).state == OutboxState.UNKNOWN  # Never resent.
    assert run("resume_outbox") == (
        "newsletter.Delivery: nothing due.\nscheduling.NotificationDelivery: nothing due.\n"
    )
    assert len(mailoutbox) == 2
