import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from tests.practice.factories import StandardPageFactory
from tests.practice.tasks import add_numbers

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_database_worker_runs_our_tasks_and_wagtails(home_page):
    with override_settings(TASKS=DATABASE_TASKS):
        result = add_numbers.enqueue(2, 3)
        # Publishing a page makes Wagtail enqueue its own work (reference and search indexing)
        # through the django-tasks backport, which reads the same TASKS setting.
        StandardPageFactory(parent=home_page, slug="about").save_revision().publish()

        queued = DBTaskResult.objects.values_list("task_path", flat=True)
        assert "tests.practice.tasks.add_numbers" in queued
        assert "wagtail.tasks.update_reference_index_task" in queued
        assert DBTaskResult.objects.exclude(status="READY").count() == 0

        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

        statuses = dict(DBTaskResult.objects.values_list("task_path", "status"))
        assert statuses["tests.practice.tasks.add_numbers"] == "SUCCESSFUL"
        assert statuses["wagtail.tasks.update_reference_index_task"] == "SUCCESSFUL"
        assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
        result.refresh()
        assert result.return_value == 5


def test_development_and_tests_run_tasks_immediately(db):
    result = add_numbers.enqueue(1, 1)
    assert result.status == "SUCCESSFUL"
    assert result.return_value == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_waits_out_a_database_outage_instead_of_exiting(monkeypatch, caplog):
    """A poll that finds the database unreachable (a restart, a failover) does not end the worker."""
    from django.db.models.query import QuerySet
    from django.db.utils import OperationalError

    from practice.management.commands import db_worker

    waits = []
    monkeypatch.setattr(db_worker.time, "sleep", waits.append)
    real_first = QuerySet.first
    polls = {"count": 0}

    def unreachable_twice(queryset):
        if queryset.model is DBTaskResult and polls["count"] < 2:
            polls["count"] += 1
            raise OperationalError("the database system is shutting down")
        return real_first(queryset)

    monkeypatch.setattr(QuerySet, "first", unreachable_twice)
    with override_settings(TASKS=DATABASE_TASKS):
        result = add_numbers.enqueue(4, 5)
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        result.refresh()

    assert result.return_value == 9
    assert polls["count"] == 2
    assert waits == [1.0, 2.0]  # backing off
    assert "Database unreachable (OperationalError)" in caplog.text
    assert "shutting down" not in caplog.text
