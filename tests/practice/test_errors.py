import pytest
from django.test import RequestFactory

from practice.views import server_error

pytestmark = pytest.mark.django_db


def test_unknown_url_gets_a_friendly_404_in_the_sites_style(client, practice_details):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We couldn’t find that page" in html
    assert '<nav class="main-nav"' in html
    assert 'href="tel:+13035789317"' in html
    assert '<meta name="robots" content="noindex">' in html


def test_500_page_renders_without_the_database(settings, django_assert_num_queries):
    settings.PRACTICE_PHONE_FALLBACK = "(303) 578-9317"
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert 'href="tel:+13035789317"' in html
    assert "988" in html and "741741" in html
    assert "/static/practice/css/site.css" in html


def test_500_page_without_a_fallback_phone_still_renders(settings):
    settings.PRACTICE_PHONE_FALLBACK = ""
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "tel:" not in response.content.decode()


def test_favicon_is_served_from_the_site_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
