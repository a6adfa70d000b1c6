"""Cached page fragments (practice.page_cache.fragments): never stale after a change, never one reader's data.

Each test renders a page once (filling its fragments), changes something the way an editor does, and checks
the next render shows the change.
"""

import pytest
from bs4 import BeautifulSoup
from django.core.cache import caches
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import PageViewRestriction
from wagtail.test.utils.form_data import nested_form_data, streamfield

from practice.models import PracticeDetails
from tests.blog.factories import ArticlePageFactory, PersonFactory, article_body, publish
from tests.practice.factories import StandardPageFactory

pytestmark = pytest.mark.django_db


def summary(page_html):
    """The article's summary as its cached part shows it (the <head> repeats it, uncached)."""
    return BeautifulSoup(page_html, "html.parser").select_one(".article__summary").get_text(strip=True)


def html(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def article(article_index, practice_details):
    publish(article_index)
    page = ArticlePageFactory(parent=article_index, slug="first", title="The first article")
    page.tags.add("calm")
    return publish(page)


def test_fragments_are_cached_between_readers(client, home_page, article):
    caches["pages"].clear()
    for url in ("/", "/articles/", article.url):
        page = html(client, url)
        assert "{#" not in page and "{%" not in page, f"template syntax shown on {url}"
    assert caches["pages"]._cache, "rendering stored nothing: the tests below would prove nothing"


def test_a_published_article_appears_on_the_home_page_the_index_and_as_related(client, home_page, article):
    for url in ("/", "/articles/", article.url):
        assert "A second article" not in html(client, url)
    second = ArticlePageFactory(parent=article.get_parent(), slug="second", title="A second article")
    second.tags.add("calm")
    publish(second)
    for url in ("/", "/articles/", article.url):
        assert "A second article" in html(client, url), url


def test_an_unpublished_article_leaves_every_list(client, home_page, article):
    second = publish(ArticlePageFactory(parent=article.get_parent(), slug="second", title="A second article"))
    for url in ("/", "/articles/", article.url):
        assert "A second article" in html(client, url)
    second.unpublish()
    for url in ("/", "/articles/", article.url):
        assert "A second article" not in html(client, url), url


def test_a_republished_article_shows_its_new_text(client, article):
    assert "The first article" in html(client, article.url)
    article.title = "A better title"
    publish(article)
    page = html(client, article.url)
    assert "A better title" in page and "The first article" not in page


def test_the_menu_follows_pages_added_and_made_private(client, home_page, article):
    assert "Services" not in html(client, "/")
    services = StandardPageFactory(parent=home_page, slug="services", title="Services", show_in_menus=True)
    publish(services)
    assert 'href="/services/"' in html(client, "/")
    assert 'href="/services/"' in html(client, article.url)
    PageViewRestriction.objects.create(page=services, restriction_type=PageViewRestriction.LOGIN)
    assert 'href="/services/"' not in html(client, "/")
    assert 'href="/services/"' not in html(client, article.url)


def test_a_private_article_leaves_the_lists(client, home_page, article):
    second = publish(ArticlePageFactory(parent=article.get_parent(), slug="second", title="A second article"))
    assert "A second article" in html(client, "/articles/")
    PageViewRestriction.objects.create(page=second, restriction_type=PageViewRestriction.PASSWORD, password="x")
    for url in ("/", "/articles/", article.url):
        assert "A second article" not in html(client, url), url


def test_practice_details_saved_show_on_the_next_page(client, home_page, article, practice_details):
    assert "(303) 578-9317" in html(client, "/")
    details = PracticeDetails.objects.get(pk=practice_details.pk)
    details.phone = "(720) 555-0142"
    details.save()
    for url in ("/", "/articles/", article.url):
        page = html(client, url)
        assert "(720) 555-0142" in page and "(303) 578-9317" not in page, url


def test_an_author_edited_shows_on_the_article(client, article):
    assert article.author.name in html(client, article.url)
    article.author.name = "Dr. Renamed"
    article.author.save()
    assert "Dr. Renamed" in html(client, article.url)


def test_an_image_description_edited_is_the_new_alt_text(client, article):
    image = Image.objects.create(title="Hills", file=get_test_image_file(), description="Soft hills")
    article.hero_image = image
    publish(article)
    assert 'alt="Soft hills"' in html(client, article.url)
    image.description = "Two hills at dawn"
    image.save()
    assert 'alt="Two hills at dawn"' in html(client, article.url)


def test_a_preview_shows_the_draft_and_leaves_the_live_page_alone(client, admin_client, article):
    live = summary(html(client, article.url))
    data = {
        "title": "A draft title",
        "slug": article.slug,
        "summary": "A draft summary, only in the preview.",
        "body": streamfield([]),
        "tags": "calm",
        "notify_subscribers": "",
    }
    url = f"/admin/pages/{article.pk}/edit/preview/"
    assert admin_client.post(url, nested_form_data(data)).json()["is_valid"] is True
    assert summary(admin_client.get(url).content.decode()) == "A draft summary, only in the preview."
    assert summary(html(client, article.url)) == live


def test_what_a_reader_typed_is_never_shown_to_the_next(client, article_index, article):
    for n in range(12):  # two pages of articles
        publish(ArticlePageFactory(parent=article_index, slug=f"more-{n}", body=article_body(sections=1)))
    first = html(client, "/articles/?tag=reader-one-typed-this&utm_source=reader-one")
    assert "reader-one-typed-this" in first
    second = html(client, "/articles/?tag=reader-two")
    assert "reader-one" not in second and "reader-two" in second
    listing = html(client, "/articles/?page=1&utm_source=reader-one")
    assert "utm_source" not in html(client, "/articles/")
    assert "utm_source" not in listing.split('rel="canonical"')[1]  # page links keep the tag only
    assert 'href="?page=2"' in listing


def test_people_added_to_articles_do_not_share_a_card(client, article_index, article):
    other = ArticlePageFactory(parent=article_index, slug="other", author=PersonFactory(name="Someone Else"))
    publish(other)
    assert "Someone Else" in html(client, other.url)
    assert "Someone Else" not in html(client, article.url)
