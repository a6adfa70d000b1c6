"""Two-factor sign-in for the admin: set up, verify, backup codes, throttling, reset."""

import re
from datetime import timedelta
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from practice.two_factor import BACKUP_CODE_COUNT, backup_codes_replace
from tests.scheduling.factories import UserFactory

pytestmark = pytest.mark.django_db

HOME = "/admin/"
SETUP = "/admin/two-factor/setup/"
VERIFY = "/admin/two-factor/verify/"
BACKUP = "/admin/two-factor/backup-codes/"
PASSWORD = "correct-horse-battery"


@pytest.fixture
def required(settings):
    settings.ADMIN_TWO_FACTOR_REQUIRED = True
    return settings


@pytest.fixture
def staff(db):
    return UserFactory(groups=[Group.objects.get(name="Front desk")], username="frankie")


def sign_in(client, user):
    response = client.post("/admin/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps_ahead):06d}"


def enrolled(user) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    backup_codes_replace(user)
    return device


def next_of(response) -> str:
    return parse_qs(urlsplit(response["Location"]).query)["next"][0]


def test_when_required_a_new_staff_member_must_set_up_an_app_before_using_the_admin(client, required, staff):
    sign_in(client, staff)

    response = client.get("/admin/appointment-requests/")
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)
    assert next_of(response) == "/admin/appointment-requests/"

    page = client.get(SETUP)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and 'aria-label="QR code for your authenticator app"' in html
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    secret = re.search(r'class="two-factor__secret">([A-Z2-7 ]+)<', html).group(1)
    assert len(secret.replace(" ", "")) == 32  # the key to type when the camera can't scan

    done = client.post(SETUP, {"code": code_for(device), "next": "/admin/appointment-requests/"})
    assert done.status_code == 302
    assert done["Location"].startswith(BACKUP)
    device.refresh_from_db()
    assert device.confirmed
    codes = client.get(done["Location"])
    tokens = StaticToken.objects.filter(device__user=staff).values_list("token", flat=True)
    assert len(tokens) == BACKUP_CODE_COUNT
    assert all(token in codes.content.decode() for token in tokens)
    assert client.get("/admin/appointment-requests/").status_code == 200


def test_a_wrong_setup_code_is_refused_with_a_linked_error(client, required, staff):
    sign_in(client, staff)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "000000"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_code">That code did not match' in html
    assert not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()
    assert client.get(HOME).status_code == 302


@pytest.mark.parametrize("bad", ["", "12345", "1234567", "abc", "<script>alert(1)</script>", "12\x0034", "x" * 500])
def test_malformed_codes_get_a_clear_message_never_a_500(client, required, staff, bad):
    enrolled(staff)
    sign_in(client, staff)
    response = client.post(VERIFY, {"code": bad})
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_signing_in_asks_for_the_code_and_then_returns_to_the_page_asked_for(client, required, staff):
    device = enrolled(staff)
    sign_in(client, staff)
    response = client.get("/admin/appointment-requests/?status=new")
    assert response["Location"].startswith(VERIFY)
    session_key = client.session.session_key

    done = client.post(VERIFY, {"code": code_for(device), "next": next_of(response)})
    assert done.status_code == 302
    assert done["Location"] == "/admin/appointment-requests/?status=new"
    assert client.session.session_key != session_key  # a new session for the new privilege
    assert client.get(HOME).status_code == 200


def test_a_code_cannot_be_used_twice(client, required, staff):
    device = enrolled(staff)
    code = code_for(device)
    sign_in(client, staff)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.logout()

    sign_in(client, staff)
    replay = client.post(VERIFY, {"code": code})
    assert replay.status_code == 200
    assert client.get(HOME).status_code == 302


def test_the_next_address_cannot_leave_the_site(client, required, staff):
    device = enrolled(staff)
    sign_in(client, staff)
    done = client.post(VERIFY, {"code": code_for(device), "next": "https://evil.example/admin/"})
    assert done["Location"] == HOME


def test_wrong_codes_are_throttled(client, required, staff):
    device = enrolled(staff)
    sign_in(client, staff)
    for _ in range(3):
        client.post(VERIFY, {"code": "000000"})
    # Even the right code waits out the pause, which grows with every failure.
    response = client.post(VERIFY, {"code": code_for(device)})
    assert response.status_code == 200
    assert "Too many incorrect codes. Wait" in response.content.decode()
    assert client.get(HOME).status_code == 302

    # After the pause, the newest code works.
    device.refresh_from_db()
    device.throttling_failure_timestamp -= timedelta(hours=1)
    device.save()
    assert client.post(VERIFY, {"code": code_for(device, steps_ahead=1)}).status_code == 302
    assert client.get(HOME).status_code == 200


def test_a_backup_code_signs_in_once(client, required, staff):
    enrolled(staff)
    code = StaticToken.objects.filter(device__user=staff).values_list("token", flat=True).first()
    sign_in(client, staff)
    response = client.post(VERIFY, {"code": code.upper()[:4] + "-" + code.upper()[4:]}, follow=True)
    assert response.status_code == 200
    assert f"{BACKUP_CODE_COUNT - 1} left" in response.content.decode()
    client.logout()

    sign_in(client, staff)
    assert client.post(VERIFY, {"code": code}).status_code == 200
    assert client.get(HOME).status_code == 302


def test_new_backup_codes_replace_the_old_ones(client, required, staff):
    device = enrolled(staff)
    old = set(StaticToken.objects.filter(device__user=staff).values_list("token", flat=True))
    sign_in(client, staff)
    client.post(VERIFY, {"code": code_for(device)})

    assert client.post(BACKUP).status_code == 302
    new = set(StaticToken.objects.filter(device__user=staff).values_list("token", flat=True))
    assert len(new) == BACKUP_CODE_COUNT
    assert not old & new


def test_the_password_alone_cannot_replace_the_app(client, required, staff):
    enrolled(staff)
    sign_in(client, staff)
    response = client.get(SETUP)
    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=staff).count() == 1
    assert client.post(BACKUP)["Location"].startswith(VERIFY)


def test_signing_out_works_before_the_second_factor(client, required, staff):
    enrolled(staff)
    sign_in(client, staff)
    response = client.post("/admin/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_when_not_required_only_those_who_set_it_up_are_asked(client, settings, staff):
    settings.ADMIN_TWO_FACTOR_REQUIRED = False
    other = UserFactory(groups=[Group.objects.get(name="Front desk")], username="other")
    enrolled(staff)

    sign_in(client, other)
    assert client.get(HOME).status_code == 200
    client.logout()

    sign_in(client, staff)
    assert client.get(HOME)["Location"].startswith(VERIFY)


def test_the_account_page_links_to_two_factor_sign_in(client, staff):
    sign_in(client, staff)
    html = client.get("/admin/account/").content.decode()
    assert f"{SETUP}?next=%2Fadmin%2Faccount%2F" in html and "Two-factor sign-in" in html


def test_public_pages_are_untouched(client, required, home_page, staff):
    enrolled(staff)
    response = client.get("/")
    assert response.status_code == 200
    assert not response.cookies


def test_reset_removes_the_app_and_the_backup_codes(staff):
    enrolled(staff)
    out = StringIO()
    call_command("reset_two_factor", "frankie", stdout=out)
    assert "reset for frankie" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert not StaticDevice.objects.filter(user=staff).exists()

    with pytest.raises(CommandError, match="No user named"):
        call_command("reset_two_factor", "nobody")


def test_production_requires_a_second_factor_by_default():
    import subprocess
    import sys

    env = {
        "DJANGO_SETTINGS_MODULE": "practice.settings.production",
        "DJANGO_READ_DOT_ENV": "0",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "example.org",
        "DATABASE_URL": "sqlite:///:memory:",
        "SITE_URL": "https://example.org",
        "EMAIL_URL": "smtp://127.0.0.1:25",
        "DEFAULT_FROM_EMAIL": "hello@example.org",
        "PRACTICE_PHONE_FALLBACK": "(303) 555-0100",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.ADMIN_TWO_FACTOR_REQUIRED)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip() == "True", result.stderr


def test_the_admin_icons_and_translations_load_before_the_second_factor(client, required, staff):
    enrolled(staff)
    sign_in(client, staff)
    # The sign-in code pages use them; redirecting them would paste a page into the icon sprite.
    assert client.get("/admin/sprite/").status_code == 200
    assert client.get("/admin/jsi18n/").status_code == 200
    assert client.get("/admin/")["Location"].startswith(VERIFY)


@pytest.mark.parametrize("url", [SETUP, VERIFY, BACKUP])
def test_the_two_factor_pages_are_for_signed_in_staff_only(client, required, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")

    # Someone with an account but no access to the admin (a reader who once had one, say).
    outsider = UserFactory(username="outsider")
    client.force_login(outsider)
    response = client.get(url)
    assert response.status_code in (302, 403)
    assert not TOTPDevice.objects.filter(user=outsider).exists()


def test_setting_it_up_by_choice_offers_a_way_back(client, settings, staff):
    settings.ADMIN_TWO_FACTOR_REQUIRED = False
    sign_in(client, staff)
    html = client.get(SETUP, {"next": "/admin/pages/"}).content.decode()
    assert re.search(r'<a class="button button-secondary" href="/admin/pages/">Not now, back to the admin</a>', html)
    assert 'action="/admin/logout/"' not in html.split("<main", 1)[1].split("</main>")[0]

    foreign = client.get(SETUP, {"next": "https://elsewhere.example/"}).content.decode()
    assert 'href="/admin/">Not now, back to the admin</a>' in foreign


def test_when_required_the_only_way_out_of_setup_is_signing_out(client, required, staff):
    sign_in(client, staff)
    main = client.get(SETUP).content.decode().split("<main", 1)[1].split("</main>")[0]
    assert "Not now" not in main
    assert re.search(r'<form action="/admin/logout/" method="post">', main)
