import datetime

import pytest
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from blog import reading
from blog.models import ArticleIndexPage, ArticlePage
from practice.models import HomePage, StandardPage
from tests.blog.factories import ArticlePageFactory, article_body, publish

pytestmark = pytest.mark.django_db


def test_article_index_lives_only_under_the_home_page_and_only_once():
    assert ArticleIndexPage.allowed_parent_page_models() == [HomePage]
    assert ArticleIndexPage.max_count == 1
    assert ArticleIndexPage.allowed_subpage_models() == [ArticlePage]


def test_articles_live_only_under_the_index_and_have_no_children():
    assert ArticlePage.allowed_parent_page_models() == [ArticleIndexPage]
    assert ArticlePage.allowed_subpage_models() == []
    assert not StandardPage.can_create_at(ArticlePage())


def test_display_date_defaults_to_the_day_of_first_publication(article_index):
    page = ArticlePageFactory(parent=article_index, display_date=None, live=False)
    assert page.date is None
    publish(page)
    assert page.display_date == timezone.localdate(page.first_published_at)
    assert page.date == page.display_date


def test_a_chosen_display_date_is_kept_on_publication(article_index):
    page = publish(ArticlePageFactory(parent=article_index, display_date=datetime.date(2019, 5, 4)))
    assert page.display_date == datetime.date(2019, 5, 4)


def test_reading_time_counts_words_at_an_unhurried_pace(article_index):
    words = " ".join(["word"] * 1000)
    page = ArticlePageFactory(parent=article_index, body=[("paragraph", f"<p>{words}</p>")])
    assert page.reading_minutes == 5
    assert reading.reading_minutes(text="short") == 1


def test_table_of_contents_lists_h2_sections_only_when_there_are_three(article_index):
    three = ArticlePageFactory(parent=article_index, body=article_body(sections=3))
    two = ArticlePageFactory(parent=article_index, body=article_body(sections=2))
    assert [entry.anchor for entry in three.table_of_contents] == ["section-1", "section-2", "section-3"]
    assert two.table_of_contents == []


def test_related_articles_prefer_shared_tags_then_the_latest_never_self_nor_twice(article_index):
    page = ArticlePageFactory(parent=article_index, display_date=datetime.date(2024, 1, 1))
    page.tags.add("grief", "loss")
    publish(page)
    both = ArticlePageFactory(parent=article_index, display_date=datetime.date(2023, 1, 1))
    both.tags.add("grief", "loss")
    publish(both)
    one = ArticlePageFactory(parent=article_index, display_date=datetime.date(2023, 6, 1))
    one.tags.add("grief")
    publish(one)
    latest = publish(ArticlePageFactory(parent=article_index, display_date=datetime.date(2025, 1, 1)))
    publish(ArticlePageFactory(parent=article_index, display_date=datetime.date(2020, 1, 1)))
    draft = ArticlePageFactory(parent=article_index, display_date=datetime.date(2026, 1, 1), live=False)
    draft.tags.add("grief", "loss")
    draft.save_revision()

    related = page.related_articles()

    assert [article.pk for article in related] == [both.pk, one.pk, latest.pk]


def test_previous_and_next_follow_the_display_date(article_index):
    older = publish(ArticlePageFactory(parent=article_index, display_date=datetime.date(2024, 1, 1)))
    middle = publish(ArticlePageFactory(parent=article_index, display_date=datetime.date(2024, 2, 1)))
    newer = publish(ArticlePageFactory(parent=article_index, display_date=datetime.date(2024, 3, 1)))
    assert middle.previous_and_next() == (older, newer)
    assert older.previous_and_next()[0] is None
    assert newer.previous_and_next()[1] is None


def test_hero_alt_uses_the_override_then_the_image_description_and_is_empty_when_decorative(article_index):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    image = Image.objects.create(title="Hills", file=get_test_image_file(), description="Soft hills at dawn")
    page = ArticlePageFactory(parent=article_index, hero_image=image)
    assert page.hero_alt == "Soft hills at dawn"
    page.hero_image_alt = "Hills in morning light"
    assert page.hero_alt == "Hills in morning light"
    page.hero_image_decorative = True
    assert page.hero_alt == ""


def test_summary_is_required_and_at_most_300_characters(admin_client, article_index):
    url = f"/admin/pages/add/blog/articlepage/{article_index.pk}/"
    data = {
        "title": "Too long",
        "slug": "too-long",
        "summary": "x" * 301,
        "body": streamfield([("paragraph", rich_text("<p>Hello.</p>"))]),
        "tags": "",
        "notify_subscribers": "on",
    }
    response = admin_client.post(url, nested_form_data(data))
    assert response.status_code == 200
    assert not ArticlePage.objects.filter(slug="too-long").exists()

    data["summary"] = "Just right."
    response = admin_client.post(url, nested_form_data(data))
    assert response.status_code == 302
    page = ArticlePage.objects.get(slug="too-long")
    assert page.notify_subscribers is True
    assert Page.objects.get(pk=page.pk).get_parent().pk == article_index.pk


def test_notify_subscribers_defaults_to_on():
    assert ArticlePage._meta.get_field("notify_subscribers").default is True
