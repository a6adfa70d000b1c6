import pytest
from defusedxml import ElementTree as ET

from tests.practice.factories import StandardPageFactory

pytestmark = pytest.mark.django_db
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_sitemap_lists_live_pages_with_lastmod_on_the_real_host(client, settings, home_page):
    StandardPageFactory(parent=home_page, slug="about").save_revision().publish()
    StandardPageFactory(parent=home_page, slug="draft", live=False)

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    urls = ET.fromstring(response.content).findall("s:url", SITEMAP_NS)
    locations = {url.find("s:loc", SITEMAP_NS).text for url in urls}
    assert f"{settings.SITE_URL}/about/" in locations
    assert not any("draft" in location for location in locations)
    about = next(url for url in urls if url.find("s:loc", SITEMAP_NS).text.endswith("/about/"))
    assert about.find("s:lastmod", SITEMAP_NS) is not None


def test_robots_txt_points_at_the_sitemap(client, settings):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    body = response.content.decode()
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in body
    assert "Disallow: /admin/" in body
