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
