"""Public pages render in a fixed number of queries, however much content the site has."""

import datetime

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.rich_text import RichText

from tests.blog.factories import ArticlePageFactory, article_body, publish

pytestmark = pytest.mark.django_db


def build_site(index, count):
    image = Image.objects.create(title="Hills", file=get_test_image_file(), description="Soft hills")
    articles = []
    for n in range(count):
        body = article_body(sections=3 + n % 5)
        body += [("image", {"image": {"image": image, "decorative": False, "alt_text": ""}, "caption": "c"})] * (
            1 + n % 3
        )
        body.append(("reflection_prompts", {"title": "Reflection prompts", "intro": "", "prompts": ["Why?"] * 3}))
        page = ArticlePageFactory(
            parent=index,
            hero_image=image,
            body=body,
            slug=f"piece-{n}",
            display_date=datetime.date(2024, 1, 1) + datetime.timedelta(days=n),
        )
        page.tags.add("calm", f"topic-{n % 15}", f"theme-{n % 4}")  # 20 tags in all
        articles.append(publish(page))
    publish(index)
    return articles


def count_queries(client, url):
    client.get(url)  # warm renditions and Wagtail's per-process caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("count", [1, 50])
def test_public_pages_render_in_a_bounded_number_of_queries(
    client, article_index, practice_details, count, django_assert_max_num_queries
):
    articles = build_site(article_index, count)
    article_url = articles[-1].url
    # Every page the header and footer can link, set: each would cost a query if read on its own.
    for field in ("booking_page", "privacy_page", "accessibility_page", "disclosure_page"):
        setattr(practice_details, field, article_index)
    practice_details.save()
    for url, bound in [("/", 12), ("/articles/", 10), ("/articles/?tag=calm", 11), (article_url, 10)]:
        client.get(url)
        with django_assert_max_num_queries(bound):
            assert client.get(url).status_code == 200


def cold_counts(client, urls):
    counts = {}
    for name, url in urls.items():
        client.get(url)  # Wagtail's own per-process caches (site root paths, renditions)
        caches["pages"].clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts[name] = len(captured)
    return counts


def test_the_first_render_after_a_publish_is_bounded_and_flat(client, article_index, practice_details):
    """Publishing clears the cached fragments (menus, lists, the article): what the next reader costs."""
    articles = build_site(article_index, 10)
    urls = {"home": "/", "index": "/articles/", "article": articles[3].url}
    few = cold_counts(client, urls)
    for n in range(40):
        page = ArticlePageFactory(parent=article_index, slug=f"more-{n}", hero_image=articles[0].hero_image)
        page.tags.add("calm", f"extra-{n % 9}")
        publish(page)
    many = cold_counts(client, urls)
    assert many == few
    assert few["home"] <= 12 and few["index"] <= 13 and few["article"] <= 19


def test_article_queries_do_not_grow_with_tags_related_articles_or_body_blocks(
    client, article_index, practice_details
):
    small = build_site(article_index, 2)[-1]
    small_count = count_queries(client, small.url)
    big = ArticlePageFactory(
        parent=article_index,
        slug="big",
        hero_image=small.hero_image,
        body=article_body(sections=12) + [("paragraph", RichText("<p>x</p>"))] * 20,
    )
    big.tags.add(*[f"tag-{n}" for n in range(15)], "calm")
    publish(big)
    assert count_queries(client, big.url) <= small_count
