import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-for-this-test-only-0123456789",
    "DJANGO_ALLOWED_HOSTS": "example.org,www.example.org",
    "DATABASE_URL": "postgres://practice@127.0.0.1:5432/practice",
    "SITE_URL": "https://example.org",
}


def environment_without_project_settings() -> dict:
    """This process's environment, less anything that configures the project (the tests set some)."""
    ignored = {*PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {key: value for key, value in os.environ.items() if key not in ignored}


def load_settings(module, env):
    """Import a settings module in a fresh interpreter with exactly `env`."""
    clean_env = environment_without_project_settings()
    code = (
        "import django, os; from django.conf import settings; "
        f"os.environ['DJANGO_SETTINGS_MODULE'] = {module!r}; django.setup(); "
        "print(settings.DEBUG, settings.ALLOWED_HOSTS, settings.TIME_ZONE, settings.WAGTAILADMIN_BASE_URL)"
    )
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**clean_env, **env, "DJANGO_READ_DOT_ENV": "0"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("missing", sorted(PRODUCTION_ENV))
def test_production_settings_fail_loudly_without_required_variables(missing):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}
    result = load_settings("practice.settings.production", env)
    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


def test_production_settings_load_with_the_documented_environment():
    result = load_settings("practice.settings.production", PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "['example.org',",
        "'www.example.org']",
        "America/Denver",
        "https://example.org",
    ]


def test_base_settings_are_safe_on_their_own():
    result = load_settings("practice.settings.base", {})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("False [] America/Denver")


def test_deploy_checks_are_clean_with_the_documented_environment():
    clean_env = environment_without_project_settings()
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env={
            **clean_env,
            **PRODUCTION_ENV,
            "DJANGO_SETTINGS_MODULE": "practice.settings.production",
            "DJANGO_READ_DOT_ENV": "0",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (1 silenced)" in result.stdout


def run_with_production_settings(code: str, extra_env: dict | None = None):
    env = {
        **environment_without_project_settings(),
        **PRODUCTION_ENV,
        **(extra_env or {}),
        "DJANGO_SETTINGS_MODULE": "practice.settings.production",
        "DJANGO_READ_DOT_ENV": "0",
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_logs_are_one_json_object_per_line():
    result = run_with_production_settings(
        "import logging; logging.getLogger('practice').warning('disk %s full', 'nearly')"
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stderr.strip().splitlines()[-1])
    assert record["message"] == "disk nearly full"
    assert record["level"] == "WARNING"
    assert record["logger"] == "practice"


def test_media_goes_to_object_storage_when_a_bucket_is_configured():
    code = (
        "from django.core.files.storage import default_storage as s; print(type(s._wrapped).__name__, s.bucket_name)"
    )
    result = run_with_production_settings(
        code, {"AWS_STORAGE_BUCKET_NAME": "practice-media", "AWS_S3_ENDPOINT_URL": "https://s3.example.org"}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["S3Storage", "practice-media"]


def test_media_stays_on_local_disk_without_a_bucket():
    result = run_with_production_settings(
        "from django.conf import settings; print(settings.STORAGES['default']['BACKEND'])"
    )
    assert result.stdout.strip() == "django.core.files.storage.FileSystemStorage"


def test_production_logs_never_carry_tokens():
    code = (
        "import logging; from django.test import RequestFactory; "
        "request = RequestFactory().get('/newsletter/unsubscribe/SecretToken123/'); "
        "logging.getLogger('django.request').error('Internal Server Error: %s', request.path, "
        "extra={'request': request, 'status_code': 500})"
    )
    result = run_with_production_settings(code)
    assert result.returncode == 0, result.stderr
    assert "SecretToken123" not in result.stderr
    assert "/newsletter/unsubscribe/…" in json.loads(result.stderr.strip().splitlines()[-1])["message"]
