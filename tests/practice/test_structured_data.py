"""Structured data (JSON-LD) parsed from every page type, checked for what search engines ask of each type."""

import datetime
import json
import re

import pytest
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from practice.structured_data import json_ld_script
from tests.blog.factories import ArticleIndexPageFactory, ArticlePageFactory, PersonFactory, publish
from tests.practice.factories import StandardPageFactory
from tests.scheduling.factories import SchedulingPageFactory

pytestmark = pytest.mark.django_db

ISO_DATETIME_WITH_ZONE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def json_ld_blocks(html: str) -> list[dict]:
    """Every JSON-LD block of a page, parsed (a block that isn't valid JSON fails the test)."""
    return [
        json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


@pytest.fixture
def image(db):
    return Image.objects.create(title="Hills", file=get_test_image_file(filename="hills.png", size=(1600, 900)))


@pytest.fixture
def full_details(practice_details):
    practice_details.latitude = "39.749400"
    practice_details.longitude = "-104.999100"
    practice_details.price_range = "$160–$190"
    practice_details.opening_hours = [
        {"type": "hours", "value": {"days": ["Monday", "Tuesday", "Wednesday"], "opens": "09:00", "closes": "18:00"}},
        {"type": "hours", "value": {"days": ["Friday"], "opens": "09:00", "closes": "13:00"}},
    ]
    practice_details.save()
    return practice_details


@pytest.fixture
def site_pages(home_page, full_details, image):
    home_page.hero_image = image
    publish(home_page)
    about = publish(StandardPageFactory(parent=home_page, slug="about", title="About Dr. Meaghan"))
    index = publish(ArticleIndexPageFactory(parent=home_page))
    author = PersonFactory(profile_page=about)
    article = publish(
        ArticlePageFactory(
            parent=index,
            slug="reviewed",
            author=author,
            hero_image=image,
            display_date=datetime.date(2025, 2, 1),
            last_reviewed=datetime.date(2025, 7, 14),
        )
    )
    schedule = publish(SchedulingPageFactory(parent=home_page))
    return {"home": home_page, "about": about, "index": index, "article": article, "schedule": schedule}


def test_home_page_describes_the_practice_as_a_local_business(client, site_pages):
    (data,) = json_ld_blocks(client.get("/").content.decode())

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "MedicalBusiness"
    assert data["name"] == "Better Lives, Building Tribes"
    assert data["url"] == "http://testserver/"
    assert data["telephone"] == "+1-303-578-9317"
    assert data["email"] == "hello@practice.example"
    assert data["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "1550 Larimer Street",
        "addressLocality": "Denver",
        "addressRegion": "CO",
        "postalCode": "80202",
        "addressCountry": "US",
    }
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 39.7494, "longitude": -104.9991}
    assert data["openingHoursSpecification"] == [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": ["Monday", "Tuesday", "Wednesday"],
            "opens": "09:00",
            "closes": "18:00",
        },
        {"@type": "OpeningHoursSpecification", "dayOfWeek": ["Friday"], "opens": "09:00", "closes": "13:00"},
    ]
    assert data["priceRange"] == "$160–$190"
    assert data["image"].startswith("http://testserver/") and data["image"].endswith(".jpg")
    assert data["employee"] == {
        "@type": "Person",
        "name": "Dr. Meaghan",
        "honorificSuffix": "PhD, Licensed Psychologist",
    }


def test_home_page_leaves_out_what_is_not_known(client, home_page, practice_details):
    practice_details.street_address = ""
    practice_details.phone = ""
    practice_details.save()

    (data,) = json_ld_blocks(client.get("/").content.decode())

    for absent in ("address", "telephone", "geo", "openingHoursSpecification", "priceRange", "image"):
        assert absent not in data


def test_article_dates_are_full_datetimes_that_agree_with_what_the_page_shows(client, site_pages):
    html = client.get("/articles/reviewed/").content.decode()
    (data,) = json_ld_blocks(html)

    assert data["@type"] == "BlogPosting"
    assert ISO_DATETIME_WITH_ZONE.match(data["datePublished"])
    assert ISO_DATETIME_WITH_ZONE.match(data["dateModified"])
    assert 'Last reviewed <time datetime="2025-07-14">July 14, 2025</time>' in html
    # The start of the reviewed day in Denver (daylight time in July), whatever the last republish was.
    assert data["dateModified"] == "2025-07-14T00:00:00-06:00"
    assert data["datePublished"] == "2025-02-01T00:00:00-07:00"
    assert f'<meta property="article:modified_time" content="{data["dateModified"]}">' in html


def test_article_not_reviewed_was_last_modified_when_published(client, site_pages):
    article = site_pages["article"]
    article.last_reviewed = None
    publish(article)

    (data,) = json_ld_blocks(client.get("/articles/reviewed/").content.decode())

    assert data["dateModified"] == data["datePublished"]


def test_article_author_links_to_their_profile_page(client, site_pages):
    html = client.get("/articles/reviewed/").content.decode()
    (data,) = json_ld_blocks(html)

    assert data["author"] == {
        "@type": "Person",
        "name": "Dr. Meaghan",
        "honorificSuffix": "PhD, Licensed Psychologist",
        "url": "http://testserver/about/",
    }
    assert '<a href="/about/">More about Dr. Meaghan</a>' in html


def test_author_without_a_live_profile_page_has_no_url(client, site_pages):
    site_pages["about"].unpublish()

    html = client.get("/articles/reviewed/").content.decode()
    (data,) = json_ld_blocks(html)

    assert "url" not in data["author"]
    assert "More about Dr. Meaghan" not in html


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("home", "/"),
        ("about", "/about/"),
        ("index", "/articles/"),
        ("article", "/articles/reviewed/"),
        ("schedule", "/schedule/"),
        ("search", "/search/?q=calm"),
        ("newsletter", "/newsletter/"),
        ("not found", "/no-such-page/"),
    ],
)
def test_structured_data_on_every_page_type_is_valid_json_of_schema_org(client, site_pages, name, url):
    response = client.get(url)
    assert response.status_code in (200, 404)
    for data in json_ld_blocks(response.content.decode()):
        assert data["@context"] == "https://schema.org", name
        assert data["@type"] in {"MedicalBusiness", "BlogPosting"}, name
        for key in ("url", "mainEntityOfPage"):
            if key in data:
                assert data[key].startswith("http://testserver/"), (name, key)


def test_json_ld_cannot_close_its_script_element():
    html = json_ld_script({"headline": "</script><script>alert(1)</script> & more"})

    assert html.count("</script>") == 1
    assert json.loads(html.removeprefix('<script type="application/ld+json">').removesuffix("</script>")) == {
        "headline": "</script><script>alert(1)</script> & more"
    }
