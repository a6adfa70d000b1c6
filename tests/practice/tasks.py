"""A task of our own for the worker test: Django's tasks API, as the feature apps use it."""

from django.tasks import task


@task
def add_numbers(a: int, b: int) -> int:
    return a + b
