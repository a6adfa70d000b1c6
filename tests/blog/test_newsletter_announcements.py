import datetime
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from blog.models import ArticlePage
from newsletter.models import Mailing
from tests.blog.factories import ArticlePageFactory, publish
from tests.newsletter.factories import SubscriberFactory

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def subscribers(practice_details):
    return SubscriberFactory.create_batch(2) + [SubscriberFactory(pending=True), SubscriberFactory(unsubscribed=True)]


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the block schedules with transaction.on_commit (sending), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def mailing_emails():
    return [message for message in mail.outbox if "List-Unsubscribe" in message.extra_headers]


def test_first_publish_emails_each_active_subscriber_once(article_index, subscribers, committed):
    article = ArticlePageFactory(
        parent=article_index, title="The Power of Belonging", live=False, notify_subscribers=True
    )

    with committed():
        publish(article)

    mailing = Mailing.objects.get(page=article)
    assert mailing.subject == "The Power of Belonging"
    sent = mailing_emails()
    assert sorted(message.to[0] for message in sent) == sorted(s.email for s in subscribers[:2])
    assert all(message.subject == "The Power of Belonging" for message in sent)
    assert article.full_url in sent[0].body


def test_republishing_editing_and_unpublishing_never_send_again(article_index, subscribers, committed):
    with committed():
        article = publish(ArticlePageFactory(parent=article_index, live=False, notify_subscribers=True))
    assert len(mailing_emails()) == 2

    with committed():
        article.title = "A better title"
        publish(article)
        article.unpublish()
        publish(ArticlePage.objects.get(pk=article.pk))

    assert len(mailing_emails()) == 2
    assert Mailing.objects.count() == 1


def test_articles_not_marked_for_subscribers_send_nothing(article_index, subscribers, committed):
    with committed():
        publish(ArticlePageFactory(parent=article_index, live=False, notify_subscribers=False))
    assert mailing_emails() == []
    assert not Mailing.objects.exists()


def test_scheduling_sends_nothing_and_going_live_sends_once(article_index, subscribers, committed):
    article = ArticlePageFactory(parent=article_index, live=False, notify_subscribers=True)
    article.go_live_at = timezone.now() + datetime.timedelta(hours=1)
    revision = article.save_revision()
    with committed():
        revision.publish()  # with a future go-live date: scheduled, not live
    assert mailing_emails() == []
    assert not Mailing.objects.exists()

    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save()
    with committed():
        call_command("publish_scheduled")
        call_command("publish_scheduled")

    assert ArticlePage.objects.get(pk=article.pk).live
    assert len(mailing_emails()) == 2


def test_importing_articles_sends_nothing(article_index, subscribers, committed):
    SubscriberFactory.create_batch(3)
    with committed():
        for name in ("slowing-down.txt", "letters-to-a-younger-self.md", "when-holidays-are-hard.html"):
            call_command("import_article", str(FIXTURES / name), "--publish", verbosity=0)

    assert ArticlePage.objects.live().count() == 3
    assert mailing_emails() == []


def test_demo_content_sends_nothing(db, subscribers, committed):
    with committed():
        call_command("load_demo_content", verbosity=0)
    assert ArticlePage.objects.live().exists()
    assert mailing_emails() == []


def test_editors_can_preview_the_newsletter_email(rf, admin_user, article_index, practice_details):
    article = publish(
        ArticlePageFactory(parent=article_index, title="Making Room for Grief", notify_subscribers=False)
    )
    request = rf.get("/admin/")
    request.user = admin_user

    assert ("newsletter", "Newsletter email") in article.preview_modes
    response = article.make_preview_request(request, preview_mode="newsletter")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Making Room for Grief" in html
    assert article.full_url in html
    assert practice_details.practice_name in html
