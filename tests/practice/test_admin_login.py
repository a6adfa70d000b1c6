import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

LOGIN_URL = "/admin/login/"


@pytest.fixture
def editor():
    return get_user_model().objects.create_superuser(username="meaghan", email="", password="correct horse battery")


def attempt(client, username, password, ip="203.0.113.9"):
    return client.post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_repeated_failures_lock_out_that_username_from_that_address(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "meaghan", "wrong")

    response = attempt(client, "meaghan", "correct horse battery")

    assert response.status_code == 429
    html = response.content.decode()
    assert "Sign-in paused for this account" in html
    assert "15" in html and "minutes" in html
    # The lockout page is Wagtail's admin skeleton, not a bare text response.
    assert "wagtailadmin" in html


def test_a_lockout_does_not_block_other_addresses_or_other_users(client, editor, settings):
    get_user_model().objects.create_user(username="frontdesk", password="another good password", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "meaghan", "wrong")

    assert attempt(client, "meaghan", "correct horse battery", ip="198.51.100.7").status_code == 302
    client.logout()
    assert attempt(client, "frontdesk", "another good password").status_code == 302


def test_a_lockout_ends_after_the_cool_off(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "meaghan", "wrong")
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - settings.AXES_COOLOFF_TIME * 2
    )

    assert attempt(client, "meaghan", "correct horse battery").status_code == 302


def test_lockouts_follow_the_forwarded_client_address_behind_a_trusted_proxy(client, editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN_URL,
            {"username": "meaghan", "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"
    response = client.post(
        LOGIN_URL,
        {"username": "meaghan", "password": "correct horse battery"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert response.status_code == 302


def test_failed_attempts_never_store_the_password(client, editor):
    attempt(client, "meaghan", "my-secret-guess")
    record = AccessAttempt.objects.get()
    assert "my-secret-guess" not in record.post_data


def test_failed_sign_ins_and_lockouts_log_no_username_or_address(client, editor, settings, caplog):
    caplog.set_level("INFO")
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        attempt(client, "meaghan", "wrong", ip="203.0.113.9")

    assert "AXES" in caplog.text  # the events are logged...
    assert "meaghan" not in caplog.text  # ...without who
    assert "203.0.113.9" not in caplog.text  # ...or from where
    assert AccessAttempt.objects.filter(username="meaghan", ip_address="203.0.113.9").exists()  # that stays here
