from datetime import timedelta
from unittest import mock

import pytest
from django.db import DatabaseError
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.practice.tasks import add_numbers


def test_healthz_answers_without_the_database(client):
    # No django_db mark: pytest-django fails the test on any database access.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_reports_ok_when_database_cache_and_tasks_are_fine(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "tasks": "ok"},
        "oldest_waiting_task_seconds": None,
    }


@pytest.mark.django_db
def test_readyz_is_degraded_when_the_cache_is_down(client):
    with mock.patch("practice.services.cache.set", side_effect=ConnectionError("cache down")):
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["cache"] == "degraded"


@pytest.mark.django_db
def test_readyz_is_degraded_when_tasks_wait_for_a_worker(client):
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        add_numbers.enqueue(1, 2)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=20))

    body = client.get("/readyz").json()

    assert body["status"] == "degraded"
    assert body["checks"]["tasks"] == "degraded"
    assert body["oldest_waiting_task_seconds"] >= 20 * 60


@pytest.mark.django_db
def test_readyz_is_unavailable_without_the_database(client):
    with mock.patch("practice.services.connections") as connections:
        connections.__getitem__.return_value.cursor.side_effect = DatabaseError("down")
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
