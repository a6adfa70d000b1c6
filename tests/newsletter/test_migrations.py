"""The newsletter's move into the shared outbox's states: each delivery keeps what it means, and it can be undone."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.migrating import migrate, migrate_latest

BEFORE = [("newsletter", "0001_initial")]
OUTBOX = [("newsletter", "0003_outbox")]


@pytest.fixture(autouse=True)
def _latest_migrations_afterwards(transactional_db):
    # A test that stops at a past migration would leave later tests without the newest tables and columns.
    yield
    migrate_latest()


# The data other tests rely on (what migrate leaves: the Wagtail tree, the staff groups) comes back afterwards.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_deliveries_move_into_the_outbox_states_and_back():
    apps = migrate(BEFORE)
    Subscriber = apps.get_model("newsletter", "Subscriber")
    Delivery = apps.get_model("newsletter", "Delivery")
    retry_at = timezone.now() + timedelta(minutes=8)
    before = {
        # label: (state, attempts, next_try_at)
        "new": ("pending", 0, None),
        "in flight": ("sending", 1, None),
        "sent": ("sent", 1, None),
        "retrying": ("failed", 2, retry_at),
        "given up": ("failed", 5, None),
        "unknown": ("unknown", 1, None),
        "skipped": ("skipped", 0, None),
    }
    for number, (label, (state, attempts, next_try_at)) in enumerate(before.items()):
        subscriber = Subscriber.objects.create(
            email=f"reader{number}@example.com", first_name=label, consent_version="1"
        )
        Delivery.objects.create(
            kind="confirmation", subscriber=subscriber, state=state, attempts=attempts, next_try_at=next_try_at
        )

    def states(apps):
        rows = apps.get_model("newsletter", "Delivery").objects.values_list(
            "subscriber__first_name", "state", "next_try_at"
        )
        return {label: (state, next_try_at) for label, state, next_try_at in rows}

    assert states(migrate(OUTBOX)) == {
        "new": ("pending", None),
        "in flight": ("sending", None),
        "sent": ("sent", None),
        "retrying": ("pending", retry_at),  # Pending its retry: due again at the same time.
        "given up": ("failed", None),
        "unknown": ("unknown", None),
        "skipped": ("cancelled", None),
    }
    assert states(migrate(BEFORE)) == {
        label: (state, next_try_at) for label, (state, _, next_try_at) in before.items()
    }
    migrate(OUTBOX)
