import pytest
from django.core.management import call_command
from wagtail.admin.utils import get_admin_base_url
from wagtail.models import Site

from practice import services
from tests.practice.factories import StandardPageFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("site_url", "expected"),
    [
        ("https://example.org", ("example.org", 443)),
        ("http://127.0.0.1:8000", ("127.0.0.1", 8000)),
        ("http://localhost", ("localhost", 80)),
    ],
)
def test_site_address_from_url(site_url, expected):
    assert services.site_address_from_url(site_url=site_url) == expected


@pytest.mark.parametrize("site_url", ["example.org", "ftp://example.org", "https://example.org:8443"])
def test_site_address_from_url_rejects_what_wagtail_cannot_represent(site_url):
    with pytest.raises(ValueError, match="SITE_URL"):
        services.site_address_from_url(site_url=site_url)


def test_site_url_names_the_wagtail_site_and_absolute_links(client, settings, home_page, practice_details):
    settings.SITE_URL = "https://example.org"
    settings.WAGTAILADMIN_BASE_URL = settings.SITE_URL
    about = StandardPageFactory(parent=home_page, slug="about")

    # Deployments run migrate, which syncs the Site with SITE_URL.
    call_command("migrate", verbosity=0)

    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("example.org", 443)
    assert site.root_url == "https://example.org"
    about.refresh_from_db()
    assert about.full_url == "https://example.org/about/"
    # Links in emails sent from jobs (no request) use the same host.
    assert get_admin_base_url() == "https://example.org"
    # Canonical tags carry the real host even when the request came in another way.
    html = client.get("/about/", HTTP_HOST="internal-proxy:8080").content.decode()
    assert '<link rel="canonical" href="https://example.org/about/">' in html


def test_site_sync_leaves_a_matching_site_untouched(settings, site):
    settings.SITE_URL = f"http://{site.hostname}:{site.port}"
    assert services.site_sync_with_site_url() == site
