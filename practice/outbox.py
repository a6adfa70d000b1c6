"""One outbox for every transactional email: the row each app keeps per email owed, its states, the safe
claim, the sending over one connection per chunk, and the one retry policy (see docs/deploy.md, "Email")."""

import logging
import uuid
from abc import ABC, abstractmethod
from collections import Counter
from datetime import datetime, timedelta

from django.core.mail import EmailMessage, mailers
from django.db import models, transaction
from django.db.models import F, Q
from django.tasks import task
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

logger = logging.getLogger(__name__)

# The retry policy (docs/deploy.md, "Email"): 12 attempts, the last about 26 hours after the first.
MAX_ATTEMPTS = 12
FIRST_BACKOFF = timedelta(minutes=2)
MAX_BACKOFF = timedelta(hours=6)
# A row still `sending` this long after its claim belonged to a worker that died mid-send.
STALE_SENDING_AFTER = timedelta(minutes=15)
CHUNK_SIZE = 50


class OutboxState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed for good"
    # A worker died while sending: it may or may not have gone out, so it is never sent again.
    UNKNOWN = "unknown", "Unknown (never resent)"
    # Nothing true left to say by its turn (the subscriber left, the appointment changed).
    CANCELLED = "cancelled", "Cancelled"


def backoff(*, attempts: int) -> timedelta:
    return min(FIRST_BACKOFF * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def _due(at: datetime) -> Q:
    return Q(state=OutboxState.PENDING) & (Q(next_try_at__isnull=True) | Q(next_try_at__lte=at))


class OutboxQuerySet(models.QuerySet):
    def due(self, *, at: datetime | None = None) -> "OutboxQuerySet":
        return self.filter(_due(at or timezone.now()))

    def stale_sending(self, *, before: datetime) -> "OutboxQuerySet":
        return self.filter(state=OutboxState.SENDING, claimed_at__lt=before)


class OutboxMessage(models.Model):
    """One email owed to someone; its state lives here so an outage never loses it and a dead worker never
    causes a second send. Subclasses add what the email is about."""

    state = models.CharField(max_length=20, choices=OutboxState.choices, default=OutboxState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_try_at = models.DateTimeField(null=True, blank=True)
    claim = models.UUIDField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The exception's class and SMTP code only: SMTP errors can echo addresses.
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        abstract = True
        # What the claim and the resume job look rows up by; a subclass's Meta inherits from this one.
        indexes = [
            models.Index(fields=["state", "next_try_at"], name="%(app_label)s_delivery_due_idx"),
            models.Index(fields=["claim"], name="%(app_label)s_delivery_claim_idx"),
        ]


class Outbox(ABC):
    """What an app tells the shared engine about its outbox: the model, and how a row becomes an email."""

    model: type[OutboxMessage]
    # Relations loaded with the claimed rows, so building a chunk's messages costs no query per row.
    related: tuple[str, ...] = ()

    @abstractmethod
    def message(self, row: OutboxMessage, *, memo: dict) -> EmailMessage:
        """The email for this row; `memo` lives for one chunk, for lookups every message shares."""

    def overtaken(self, row: OutboxMessage) -> bool:
        """Whether the row has nothing true left to say (it is cancelled instead of sent)."""
        return False

    def sent(self, rows: list[OutboxMessage], *, at: datetime) -> None:  # noqa: B027 - most outboxes change nothing more
        """What else changes once these rows' emails went out (nothing, unless an app says otherwise)."""


_outboxes: dict[str, Outbox] = {}


def outbox_register(outbox: Outbox) -> None:
    _outboxes[outbox.model._meta.label] = outbox


def outboxes() -> dict[str, Outbox]:
    return dict(_outboxes)


def outbox_claim(
    *,
    outbox: Outbox,
    where: Q | None = None,
    due_only: bool = True,
    chunk_size: int = CHUNK_SIZE,
    now: datetime | None = None,
) -> list[OutboxMessage]:
    """Take up to chunk_size pending rows for this worker: the UPDATE repeats the condition, so a row another
    worker claimed first is not taken."""
    now = now or timezone.now()
    condition = _due(now) if due_only else Q(state=OutboxState.PENDING)
    if where is not None:
        condition &= where
    model = outbox.model
    claim = uuid.uuid4()
    with transaction.atomic():
        candidates = model.objects.filter(condition).select_for_update(skip_locked=True).order_by("pk")
        ids = list(candidates.values_list("pk", flat=True)[:chunk_size])
        if not ids:
            return []
        model.objects.filter(condition, pk__in=ids).update(
            state=OutboxState.SENDING, claim=claim, claimed_at=now, attempts=F("attempts") + 1
        )
    return list(model.objects.filter(claim=claim).select_related(*outbox.related).order_by("pk"))


def error_label(error: Exception) -> str:
    code = getattr(error, "smtp_code", None)
    return f"{type(error).__name__}{f' {code}' if code else ''}"[:300]


def _failed(*, row: OutboxMessage, error: Exception, now: datetime) -> OutboxMessage:
    row.last_error = error_label(error)
    if row.attempts < MAX_ATTEMPTS:
        row.state, row.next_try_at = OutboxState.PENDING, now + backoff(attempts=row.attempts)
    else:
        row.state, row.next_try_at = OutboxState.FAILED, None
    return row


@sensitive_variables()  # The rows and messages carry addresses and what the emails say.
def outbox_send_claimed(*, outbox: Outbox, rows: list[OutboxMessage]) -> dict[str, int]:
    """Send claimed rows over one connection and record each outcome; returns how many rows ended in each state."""
    now = timezone.now()
    name = outbox.model._meta.label
    cancelled, to_send = [], []
    for row in rows:
        (cancelled if outbox.overtaken(row) else to_send).append(row)
    sent, failed = [], []
    if to_send:
        connection = mailers.default
        try:
            connection.open()
        except Exception as error:  # noqa: BLE001 - the mail server is unreachable: retry the whole chunk later
            logger.warning("%s: mail server unavailable for %d emails: %s", name, len(to_send), error_label(error))
            failed = [_failed(row=row, error=error, now=now) for row in to_send]
            to_send = []
        try:
            memo: dict = {}
            for row in to_send:
                try:
                    connection.send_messages([outbox.message(row, memo=memo)])
                except Exception as error:  # noqa: BLE001 - any failure of one email must not stop the chunk
                    logger.warning("%s %s failed: %s", name, row.pk, error_label(error))
                    failed.append(_failed(row=row, error=error, now=now))
                else:
                    sent.append(row)
        finally:
            if to_send:
                try:
                    connection.close()
                except Exception:  # noqa: BLE001 - what was sent is sent; a failed QUIT changes nothing
                    logger.warning("%s: closing the mail connection failed", name)
    model = outbox.model
    if sent:
        # What else sending changes comes first: should the worker die between the two, the row is left
        # `sending` (then `unknown`, never resent) rather than `sent` with its consequences missing.
        outbox.sent(sent, at=now)
        model.objects.filter(pk__in=[row.pk for row in sent]).update(
            state=OutboxState.SENT, sent_at=now, last_error="", next_try_at=None
        )
    if cancelled:
        model.objects.filter(pk__in=[row.pk for row in cancelled]).update(
            state=OutboxState.CANCELLED, next_try_at=None
        )
    if failed:
        model.objects.bulk_update(failed, ["state", "last_error", "next_try_at"])
    outcomes = Counter(row.state for row in failed)
    outcomes.update({OutboxState.SENT: len(sent), OutboxState.CANCELLED: len(cancelled)})
    return {str(state): count for state, count in outcomes.items() if count}


def outbox_send(
    *,
    outbox: Outbox,
    where: Q | None = None,
    chunk_size: int = CHUNK_SIZE,
    now: datetime | None = None,
) -> dict[str, int]:
    """Send every due row (matching `where`), chunk by chunk, each at most once per call."""
    now = now or timezone.now()
    # A row claimed by this call (claimed at `now`) and due again at once (a `now` ahead of the clock) waits.
    untried = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now)
    if where is not None:
        untried &= where
    outcomes: Counter = Counter()
    while rows := outbox_claim(outbox=outbox, where=untried, chunk_size=chunk_size, now=now):
        outcomes.update(outbox_send_claimed(outbox=outbox, rows=rows))
    return dict(outcomes)


def outbox_resume(*, now: datetime | None = None) -> dict[str, dict[str, int]]:
    """The periodic safety net, per outbox: rows a dead worker left `sending` become `unknown` (never resent),
    then every due row is sent."""
    now = now or timezone.now()
    results = {}
    for label, outbox in sorted(outboxes().items()):
        unknown = outbox.model.objects.stale_sending(before=now - STALE_SENDING_AFTER).update(
            state=OutboxState.UNKNOWN, next_try_at=None
        )
        outcomes = outbox_send(outbox=outbox, now=now)
        if unknown:
            outcomes[OutboxState.UNKNOWN.value] = unknown
        results[label] = outcomes
    return results


@task()
def outbox_deliver(label: str, filters: dict, due_only: bool = True) -> dict[str, int]:
    """The first try of an outbox's rows matching `filters`, right after they were written."""
    outbox = _outboxes[label]
    where = Q(**filters)
    if due_only:
        return outbox_send(outbox=outbox, where=where)
    rows = outbox_claim(outbox=outbox, where=where, due_only=False)
    return outbox_send_claimed(outbox=outbox, rows=rows) if rows else {}


def outbox_enqueue(outbox: Outbox, *, due_only: bool = True, **filters) -> None:
    """Once the transaction commits, ask the task queue to send these rows; never raises (resume_outbox sends
    them if the queue can't be reached)."""
    label = outbox.model._meta.label

    def enqueue() -> None:
        try:
            outbox_deliver.enqueue(label, filters, due_only)
        except Exception:  # The rows stay pending; resume_outbox sends them.
            logger.exception("Could not enqueue the first try of %s rows", label)

    transaction.on_commit(enqueue)
