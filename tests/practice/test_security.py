import pytest

pytestmark = pytest.mark.django_db

PUBLIC_CSP = "default-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'"


@pytest.mark.parametrize("url", ["/", "/no-such-page/", "/robots.txt"])
def test_public_responses_carry_a_strict_content_security_policy(client, home_page, url):
    response = client.get(url)
    assert response["Content-Security-Policy"] == PUBLIC_CSP
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "nonce-" not in response["Content-Security-Policy"]


def test_public_responses_carry_the_other_security_headers(client, home_page):
    response = client.get("/")
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "browsing-topics=()"):
        assert feature in policy


def test_admin_gets_the_looser_policy_wagtails_editor_needs(admin_client, home_page):
    response = admin_client.get(f"/admin/pages/{home_page.pk}/edit/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "img-src 'self' data: blob:" in policy
    assert "object-src 'none'" in policy
