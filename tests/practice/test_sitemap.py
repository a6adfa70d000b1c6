"""The sitemap as a real site has it: several page types, every page published more than once."""

import datetime
import re

import pytest
from defusedxml import ElementTree
from django.utils import timezone

from tests.blog.factories import ArticleIndexPageFactory, ArticlePageFactory, publish
from tests.practice.factories import StandardPageFactory
from tests.scheduling.factories import SchedulingPageFactory

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
# W3C Datetime (https://www.w3.org/TR/NOTE-datetime), which the sitemap protocol asks for: a date, or a
# date and time with its time zone.
W3C_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$")


@pytest.fixture
def real_site(home_page, practice_details):
    """Home, standard pages (one nested), the article index with articles dated every way, scheduling."""
    about = StandardPageFactory(parent=home_page, slug="about", title="About")
    StandardPageFactory(parent=about, slug="approach", title="Approach")
    StandardPageFactory(parent=home_page, slug="fees", title="Fees & insurance")
    index = ArticleIndexPageFactory(parent=home_page)
    ArticlePageFactory(parent=index, slug="dated", display_date=datetime.date(2019, 5, 4))
    ArticlePageFactory(
        parent=index,
        slug="reviewed",
        display_date=datetime.date(2019, 5, 4),
        last_reviewed=datetime.date(2020, 6, 1),
    )
    ArticlePageFactory(parent=index, slug="undated", display_date=None)
    SchedulingPageFactory(parent=home_page, slug="schedule")
    ArticlePageFactory(parent=index, slug="draft", live=False)
    pages = [home_page, *home_page.get_descendants().live().specific()]
    for page in pages:  # Published, then republished (a typo fixed), as every real page has been.
        publish(page)
        publish(page.specific)
    return pages


def sitemap_entries(client) -> list[tuple[str, str | None]]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    return [
        (url.findtext("sm:loc", namespaces=NS), url.findtext("sm:lastmod", namespaces=NS))
        for url in root.findall("sm:url", NS)
    ]


def test_sitemap_of_a_real_site_answers_with_every_live_page(client, real_site):
    entries = sitemap_entries(client)

    locations = [location for location, _ in entries]
    assert len(locations) == len(real_site) == len(set(locations))
    assert "http://testserver/articles/draft/" not in locations
    for location, lastmod in entries:
        assert location.startswith("http://testserver/"), location
        assert client.get(location.removeprefix("http://testserver")).status_code == 200, location
        assert lastmod is not None and W3C_DATETIME.match(lastmod), (location, lastmod)


def test_article_lastmod_is_its_review_or_its_date_not_the_last_republish(client, real_site):
    lastmods = dict(sitemap_entries(client))

    assert lastmods["http://testserver/articles/reviewed/"] == "2020-06-01"
    assert lastmods["http://testserver/articles/dated/"] == "2019-05-04"
    # Without a date of its own, an article was published when it first went live: today.
    assert lastmods["http://testserver/articles/undated/"] == timezone.localdate().isoformat()
    assert lastmods["http://testserver/about/"] == timezone.localdate().isoformat()


def test_sitemap_answers_when_every_page_has_a_lastmod(client, home_page, practice_details):
    # Wagtail compares every lastmod to find the newest; a date among datetimes made it answer 500.
    index = publish(ArticleIndexPageFactory(parent=home_page))
    publish(ArticlePageFactory(parent=index, slug="only", display_date=datetime.date(2024, 1, 2)))
    publish(home_page)

    entries = sitemap_entries(client)

    assert {location for location, _ in entries} == {
        "http://testserver/",
        "http://testserver/articles/",
        "http://testserver/articles/only/",
    }
