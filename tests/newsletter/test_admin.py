import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import dateformat, timezone
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from newsletter.models import Delivery, Subscriber
from tests.admin_html import inspect_fields, panel_rows
from tests.newsletter.factories import DeliveryFactory, MailingFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

INDEX = reverse("newsletter_subscribers:index")
EXPORT = INDEX + "?export=csv"


@pytest.fixture
def staff_user(django_user_model):
    """A staff member with admin access and nothing newsletter-related."""
    user = django_user_model.objects.create_user(username="editor", password="pw", email="editor@practice.example")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


@pytest.fixture
def newsletter_viewer(staff_user):
    group = Group.objects.create(name="Newsletter")
    group.permissions.add(
        Permission.objects.get(codename="view_subscriber"),
        Permission.objects.get(codename="view_mailing"),
    )
    staff_user.groups.add(group)
    return staff_user


def test_superuser_lists_searches_and_filters_subscribers(admin_client):
    SubscriberFactory(email="ana@example.com", first_name="Ana")
    SubscriberFactory(email="ben@example.com", first_name="Ben", pending=True)

    content = admin_client.get(INDEX, {"q": "ana"}).content.decode()
    assert "ana@example.com" in content
    assert "ben@example.com" not in content

    content = admin_client.get(INDEX, {"status": "pending"}).content.decode()
    assert "ben@example.com" in content
    assert "ana@example.com" not in content


def test_subscriber_markup_is_escaped_in_the_admin(admin_client):
    SubscriberFactory(first_name="<script>alert(1)</script>")
    content = admin_client.get(INDEX).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;" in content


def test_export_is_a_csv_of_subscribers(admin_client):
    SubscriberFactory(email="ana@example.com")
    response = admin_client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    assert "ana@example.com" in body


def test_staff_without_newsletter_permissions_see_nothing(client, staff_user):
    SubscriberFactory(email="ana@example.com")
    client.force_login(staff_user)
    for url in (INDEX, EXPORT, reverse("newsletter_mailings:index")):
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert b"ana@example.com" not in response.content
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'id="newsletter-section"' not in dashboard
    assert "Active subscribers" not in dashboard


def test_view_permission_allows_listing_and_export_but_not_deleting(client, newsletter_viewer):
    subscriber = SubscriberFactory(email="ana@example.com")
    client.force_login(newsletter_viewer)
    assert b"ana@example.com" in client.get(INDEX).content
    assert client.get(EXPORT).status_code == 200
    response = client.post(reverse("newsletter_subscribers:delete", args=[subscriber.pk]))
    assert response.status_code in (302, 403)
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert panel_rows(dashboard, "newsletter")["Active subscribers"] == "1 active subscriber"


def test_no_one_adds_or_edits_subscribers_by_hand(admin_client):
    subscriber = SubscriberFactory()
    assert admin_client.get(reverse("newsletter_subscribers:add")).status_code in (302, 403)
    assert admin_client.get(reverse("newsletter_subscribers:edit", args=[subscriber.pk])).status_code in (302, 403)


def test_admin_delete_erases_subscriber_deliveries_and_log_entries(admin_client, admin_user):
    delivery = DeliveryFactory()
    subscriber = delivery.subscriber
    log(instance=subscriber, action="wagtail.edit", user=admin_user)

    response = admin_client.post(reverse("newsletter_subscribers:delete", args=[subscriber.pk]))

    assert response.status_code == 302
    assert not Subscriber.objects.filter(pk=subscriber.pk).exists()
    assert not Delivery.objects.exists()
    assert not ModelLogEntry.objects.filter(object_id=str(subscriber.pk)).exists()


def test_mailings_listing_shows_progress(admin_client):
    mailing = MailingFactory(subject="Finding calm")
    DeliveryFactory.create_batch(2, mailing=mailing, state="sent")
    DeliveryFactory(mailing=mailing, state="unknown")

    content = admin_client.get(reverse("newsletter_mailings:index")).content.decode()
    assert "Finding calm" in content
    assert "Unknown" in content
    fields = inspect_fields(
        admin_client.get(reverse("newsletter_mailings:inspect", args=[mailing.pk])).content.decode()
    )
    assert fields["Subject"] == "Finding calm"
    assert fields["Article address"] == mailing.url
    assert fields["Page"] == "—"
    assert fields["Emails in total"] == "3"
    assert fields["Sent"] == "2"
    assert fields["Unknown (a worker stopped mid-send; never resent)"] == "1"


def test_subscriber_inspect_reads_a_dash_for_what_has_not_happened(admin_client):
    subscriber = SubscriberFactory(first_name="Robin")
    fields = inspect_fields(
        admin_client.get(reverse("newsletter_subscribers:inspect", args=[subscriber.pk])).content.decode()
    )
    assert fields["First name"] == "Robin"
    assert fields["Status"] == "Active"
    assert fields["Unsubscribed at"] == "—"
    assert "None" not in fields.values()


def test_send_a_test_to_me_sends_to_the_staff_address_only(client, newsletter_viewer, mailoutbox):
    mailing = MailingFactory(subject="Finding calm")
    DeliveryFactory(mailing=mailing)
    client.force_login(newsletter_viewer)

    response = client.post(reverse("newsletter_mailings:send_test", args=[mailing.pk]))

    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["editor@practice.example"]]
    assert Delivery.objects.get().state == "pending"


def test_send_a_test_needs_the_permission(client, staff_user, mailoutbox):
    mailing = MailingFactory()
    client.force_login(staff_user)
    assert client.post(reverse("newsletter_mailings:send_test", args=[mailing.pk])).status_code in (302, 403)
    assert mailoutbox == []


def test_dashboard_panel_shows_active_count_and_last_mailing_progress(admin_client):
    SubscriberFactory.create_batch(2)
    mailing = MailingFactory(subject="Finding calm")
    DeliveryFactory(mailing=mailing, state="sent")

    content = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    rows = panel_rows(content, "newsletter")
    assert rows["Active subscribers"] == "3 active subscribers"  # The delivery's subscriber is active too.
    sent_on = dateformat.format(timezone.localtime(mailing.created_at), "N j, Y")
    assert rows["Last mailing"] == f"Finding calm ({sent_on}): 1 sent, 0 pending, 0 failed, 0 unknown, out of 1."
    assert reverse("newsletter_mailings:inspect", args=[mailing.pk]) in content
