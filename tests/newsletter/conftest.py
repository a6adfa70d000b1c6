import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters live in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs the on_commit callbacks (the enqueued sending) as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
