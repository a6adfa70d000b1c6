import pytest

pytestmark = pytest.mark.django_db

PUBLIC_CSP = "default-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"


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
    # FLoC's interest-cohort was withdrawn; browsers warn about the unknown feature.
    assert "interest-cohort" not in policy


def test_the_preview_panel_may_frame_the_admins_preview_but_nothing_frames_public_pages(
    admin_client, client, home_page, rf, admin_user
):
    public = client.get("/")
    assert "frame-ancestors 'none'" in public["Content-Security-Policy"]
    assert public["X-Frame-Options"] == "DENY"
    # Wagtail's preview panel is an iframe of this admin view, on the admin page itself.
    preview_view = admin_client.get(f"/admin/pages/{home_page.pk}/edit/preview/", {"mode": ""})
    assert preview_view.status_code == 200
    assert "frame-ancestors 'self'" in preview_view["Content-Security-Policy"]
    # What the iframe shows is the page rendered by a dummy request through the whole middleware
    # stack (as the view does when there is preview data): it gets the preview policy, not the public one.
    original = rf.get(f"/admin/pages/{home_page.pk}/edit/preview/")
    original.user = admin_user
    rendered = home_page.make_preview_request(original, home_page.default_preview_mode)
    assert rendered.status_code == 200
    assert "frame-ancestors 'self'" in rendered["Content-Security-Policy"]
    assert "frame-ancestors 'none'" not in rendered["Content-Security-Policy"]
    assert "script-src" not in rendered["Content-Security-Policy"]  # the public policy otherwise


def test_admin_gets_the_looser_policy_wagtails_editor_needs(admin_client, home_page):
    response = admin_client.get(f"/admin/pages/{home_page.pk}/edit/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "img-src 'self' data: blob:" in policy
    assert "object-src 'none'" in policy
