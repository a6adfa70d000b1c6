from datetime import time, timedelta

import factory
import wagtail_factories
from django.contrib.auth import get_user_model
from django.utils import timezone

from scheduling.models.appointments import (
    AppointmentRequest,
    ClientType,
    ContactMethod,
    Payment,
    SessionFormat,
    SessionsFor,
)
from scheduling.models.availability import (
    STANDING_STATES,
    AvailabilityException,
    HeldBlock,
    HoldState,
    SlotHold,
    WeeklyHours,
)
from scheduling.models.page import SchedulingPage

# Everything the appointment request form needs (but its signed time-to-submit field), valid.
VALID_APPOINTMENT = {
    "name": "Jordan Rivers",
    "preferred_name": "Jo",
    "pronouns": "they/them",
    "email": "jordan@client.example",
    "phone": "(303) 555-0147",
    "contact_method": "text",
    "voicemail_ok": "no",
    "acknowledgement_ok": "yes",
    "sessions_for": "individual",
    "client_type": "new",
    "session_format": "online",
    "in_colorado": "on",
    # "None of these times work" when the practice publishes hours (the field is not there otherwise).
    "slot": "none",
    "preferred_times": ["tuesday-evening", "friday-morning"],
    "availability_note": "Not before 8am",
    "payment": "self_pay",
    "insurance_provider": "",
    "message": "Looking for support with a big life change.",
    "heard_about": "A friend",
    "consent": "on",
    "privacy_acknowledged": "on",
    # Asked only when the practice publishes a disclosure statement (the demo content does).
    "disclosure_acknowledged": "on",
    "website": "",
}


class SchedulingPageFactory(wagtail_factories.PageFactory):
    title = "Schedule a first conversation"
    slug = "schedule"
    intro = "<p>Reaching out is the hardest part.</p>"
    what_happens_next = "<p>We offer a free 15-minute phone consultation.</p>"
    privacy_note = "<p>We delete requests after a year.</p>"

    class Meta:
        model = SchedulingPage


class AppointmentRequestFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Avery Client{n}")
    email = factory.Sequence(lambda n: f"avery{n}@client.example")
    phone = "+13035550123"
    contact_method = ContactMethod.EMAIL
    voicemail_ok = False
    acknowledgement_ok = True
    sessions_for = SessionsFor.INDIVIDUAL
    client_type = ClientType.NEW
    session_format = SessionFormat.IN_PERSON
    preferred_times = factory.LazyFunction(lambda: ["monday-morning", "thursday-evening"])
    payment = Payment.SELF_PAY
    message = "I have been feeling stuck and would like to talk."
    consented_at = factory.LazyFunction(timezone.now)
    fingerprint = factory.Sequence(lambda n: f"{n:064d}")

    class Meta:
        model = AppointmentRequest


class UserFactory(factory.django.DjangoModelFactory):
    username = factory.Sequence(lambda n: f"staff{n}")
    password = factory.django.Password("correct-horse-battery")
    is_staff = False

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*extracted)


class WeeklyHoursFactory(factory.django.DjangoModelFactory):
    weekday = 0
    session_format = SessionFormat.IN_PERSON
    starts = time(9, 0)
    ends = time(17, 0)
    session_minutes = 50
    buffer_minutes = 10

    class Meta:
        model = WeeklyHours


class AvailabilityExceptionFactory(factory.django.DjangoModelFactory):
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))
    ends_on = factory.SelfAttribute("starts_on")

    class Meta:
        model = AvailabilityException


class SlotHoldFactory(factory.django.DjangoModelFactory):
    """A held time (50 minutes and a 10-minute buffer by default), with the blocks a standing one takes."""

    appointment_request = factory.SubFactory(AppointmentRequestFactory)
    session_format = factory.SelfAttribute("appointment_request.session_format")
    starts_at = factory.LazyFunction(lambda: timezone.now().replace(second=0, microsecond=0) + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda hold: hold.starts_at + timedelta(minutes=50))
    blocked_until = factory.LazyAttribute(lambda hold: hold.ends_at + timedelta(minutes=10))
    state = HoldState.HELD
    expires_at = factory.LazyAttribute(
        lambda hold: timezone.now() + timedelta(days=2) if hold.state == HoldState.HELD else None
    )

    class Meta:
        model = SlotHold
        skip_postgeneration_save = True

    @factory.post_generation
    def blocks(self, create, extracted, **kwargs):
        if create and self.state in STANDING_STATES:
            HeldBlock.objects.bulk_create(HeldBlock(hold=self, starts_at=start) for start in self.block_starts())
