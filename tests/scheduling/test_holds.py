"""Held times: the visitor's choice is kept for their request alone until the front desk confirms or declines
it, or it lapses; the database, not a check in Python, decides who gets a contested time."""

import threading
from datetime import time, timedelta

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone
from wagtail.models import ModelLogEntry

from scheduling import services
from scheduling.business_days import business_days_after
from scheduling.models.appointments import AppointmentRequest, SessionFormat, Status
from scheduling.models.availability import HeldBlock, HoldState, SlotHold, WeeklyHours
from scheduling.services import SlotTaken, appointment_request_submit, booking_rules
from scheduling.slots import open_times
from tests.scheduling.factories import AppointmentRequestFactory
from tests.scheduling.hours import weekday_hours_publish

pytestmark = pytest.mark.django_db

ONLINE = SessionFormat.ONLINE


def request_data(*, slot=None, waitlist=False, **changes):
    data = {
        "name": "Jordan Rivers",
        "preferred_name": "",
        "pronouns": "",
        "email": "jordan@client.example",
        "phone": "+13035550147",
        "contact_method": "email",
        "voicemail_ok": False,
        "acknowledgement_ok": False,
        "sessions_for": "individual",
        "client_type": "new",
        "session_format": ONLINE,
        "preferred_times": [],
        "availability_note": "",
        "payment": "insurance",
        "insurance_provider": "Anthem",
        "message": "",
        "heard_about": "",
        "slot": slot,
        "waitlist": waitlist,
    }
    return data | changes


@pytest.fixture
def online_slots(site):
    weekday_hours_publish(formats=(ONLINE,))
    return open_times(rules=booking_rules(), session_format=ONLINE).slots


def actions(appointment_request):
    return list(
        ModelLogEntry.objects.filter(object_id=str(appointment_request.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_the_chosen_time_is_held_for_the_request_and_no_longer_offered(online_slots):
    slot = online_slots[0]
    appointment_request = appointment_request_submit(data=request_data(slot=slot), rules=booking_rules())

    hold = SlotHold.objects.get(appointment_request=appointment_request)
    assert (hold.state, hold.starts_at, hold.ends_at, hold.blocked_until) == (
        HoldState.HELD,
        slot.starts_at,
        slot.ends_at,
        slot.blocked_until,
    )
    assert appointment_request.requested_for == slot.starts_at
    assert HeldBlock.objects.filter(hold=hold).count() == 12  # 50 minutes and a 10-minute buffer
    assert slot not in open_times(rules=booking_rules()).slots


def test_a_hold_lasts_the_rules_business_days_but_never_past_the_time_itself(online_slots):
    rules = booking_rules()
    now = timezone.now()
    far = online_slots[-1]
    expires = services.hold_expiry(rules=rules, starts_at=far.starts_at, now=now)
    local_now = timezone.localtime(now)
    assert timezone.localtime(expires).date() == business_days_after(local_now.date(), rules.hold_business_days)
    assert timezone.localtime(expires).time().replace(microsecond=0) == local_now.time().replace(microsecond=0)
    soon = online_slots[0].starts_at
    assert services.hold_expiry(rules=rules, starts_at=soon, now=soon - timedelta(hours=1)) == soon


def test_a_second_request_for_a_held_time_is_refused_and_nothing_of_it_is_stored(online_slots):
    slot = online_slots[0]
    appointment_request_submit(data=request_data(slot=slot))
    with pytest.raises(SlotTaken):
        appointment_request_submit(data=request_data(slot=slot, name="Sam Lee", email="sam@client.example"))
    assert AppointmentRequest.objects.count() == 1
    assert SlotHold.objects.count() == 1


def test_an_overlapping_time_of_another_format_is_refused_too(site, online_slots):
    weekday_hours_publish(formats=(SessionFormat.IN_PERSON,))
    slot = online_slots[0]
    appointment_request_submit(data=request_data(slot=slot))
    in_person = [
        item for item in open_times(rules=booking_rules()).slots if item.session_format == SessionFormat.IN_PERSON
    ]
    assert all(item.starts_at != slot.starts_at for item in in_person)
    same_time = type(slot)(
        starts_at=slot.starts_at,
        session_format=SessionFormat.IN_PERSON,
        service="",
        ends_at=slot.ends_at,
        blocked_until=slot.blocked_until,
    )
    with pytest.raises(SlotTaken):
        appointment_request_submit(data=request_data(slot=same_time, session_format=SessionFormat.IN_PERSON))


def test_a_double_submit_returns_the_request_already_holding_the_time(online_slots):
    first = appointment_request_submit(data=request_data(slot=online_slots[0]))
    again = appointment_request_submit(data=request_data(slot=online_slots[0]))
    assert again.pk == first.pk
    assert SlotHold.objects.count() == 1


def test_a_request_flagged_as_spam_records_the_time_but_holds_nothing(online_slots):
    appointment_request = appointment_request_submit(data=request_data(slot=online_slots[0]), spam=True)
    assert appointment_request.requested_for == online_slots[0].starts_at
    assert not SlotHold.objects.exists()


def test_the_block_index_refuses_a_second_hold_on_the_same_minutes(online_slots):
    first = appointment_request_submit(data=request_data(slot=online_slots[0]))
    other = AppointmentRequestFactory()
    hold = SlotHold.objects.create(
        appointment_request=other,
        session_format=ONLINE,
        starts_at=online_slots[0].starts_at + timedelta(minutes=30),
        ends_at=online_slots[0].starts_at + timedelta(minutes=80),
        blocked_until=online_slots[0].starts_at + timedelta(minutes=90),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        HeldBlock.objects.create(hold=hold, starts_at=hold.starts_at)
    assert first.slot_holds.get().blocks.count() == 12


def test_a_lapsed_hold_frees_its_time_and_the_next_request_takes_it(online_slots):
    slot = online_slots[0]
    first = appointment_request_submit(data=request_data(slot=slot))
    SlotHold.objects.filter(appointment_request=first).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert slot in open_times(rules=booking_rules()).slots

    second = appointment_request_submit(data=request_data(slot=slot, name="Sam Lee", email="sam@client.example"))

    assert SlotHold.objects.get(appointment_request=first).state == HoldState.EXPIRED
    assert SlotHold.objects.get(appointment_request=second).state == HoldState.HELD
    assert "scheduling.time_expired" in actions(first)


def test_lapsed_holds_are_ended_by_the_job_once(online_slots):
    first = appointment_request_submit(data=request_data(slot=online_slots[0]))
    later = appointment_request_submit(data=request_data(slot=online_slots[1], name="Sam", email="s@client.example"))
    SlotHold.objects.filter(appointment_request=first).update(expires_at=timezone.now() - timedelta(minutes=1))

    assert services.slot_holds_expire() == 1
    assert services.slot_holds_expire() == 0
    assert SlotHold.objects.get(appointment_request=first).state == HoldState.EXPIRED
    assert not HeldBlock.objects.filter(hold__appointment_request=first).exists()
    assert SlotHold.objects.get(appointment_request=later).state == HoldState.HELD


def test_confirming_schedules_the_request_and_sends_the_confirmation_with_its_calendar_file(
    online_slots, front_desk_user, django_capture_on_commit_callbacks, practice_details
):
    appointment_request = appointment_request_submit(data=request_data(slot=online_slots[0]))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.slot_hold_confirm(appointment_request=appointment_request, user=front_desk_user)

    appointment_request.refresh_from_db()
    hold = appointment_request.slot_holds.get()
    assert (hold.state, hold.expires_at) == (HoldState.CONFIRMED, None)
    assert appointment_request.status == Status.SCHEDULED
    assert appointment_request.scheduled_for == online_slots[0].starts_at
    assert appointment_request.first_scheduled_at is not None
    (message,) = mail.outbox
    assert message.to == ["jordan@client.example"]
    assert [name for name, _content, _type in message.attachments] == ["appointment.ics"]
    assert actions(appointment_request)[:2] == ["scheduling.time_confirmed", "scheduling.triage"]
    assert online_slots[0] not in open_times(rules=booking_rules()).slots


def test_a_lapsed_hold_can_still_be_confirmed_while_nobody_took_its_time(online_slots, front_desk_user):
    appointment_request = appointment_request_submit(data=request_data(slot=online_slots[0]))
    SlotHold.objects.update(expires_at=timezone.now() - timedelta(hours=1))
    services.slot_hold_confirm(appointment_request=appointment_request, user=front_desk_user)
    assert appointment_request.slot_holds.get().state == HoldState.CONFIRMED


def test_a_time_taken_after_it_lapsed_cannot_be_confirmed(online_slots, front_desk_user):
    first = appointment_request_submit(data=request_data(slot=online_slots[0]))
    SlotHold.objects.update(expires_at=timezone.now() - timedelta(hours=1))
    appointment_request_submit(data=request_data(slot=online_slots[0], name="Sam", email="s@client.example"))
    with pytest.raises(ValidationError, match="holds no time"):
        services.slot_hold_confirm(appointment_request=first, user=front_desk_user)
    first.refresh_from_db()
    assert first.status == Status.NEW


def test_declining_frees_the_time_and_keeps_the_request(online_slots, front_desk_user):
    appointment_request = appointment_request_submit(data=request_data(slot=online_slots[0]))
    services.slot_hold_decline(appointment_request=appointment_request, user=front_desk_user)

    appointment_request.refresh_from_db()
    assert appointment_request.status == Status.NEW
    assert appointment_request.slot_holds.get().state == HoldState.DECLINED
    assert online_slots[0] in open_times(rules=booking_rules()).slots
    assert "scheduling.time_declined" in actions(appointment_request)
    with pytest.raises(ValidationError):
        services.slot_hold_decline(appointment_request=appointment_request, user=front_desk_user)


def test_offering_another_time_moves_the_hold(online_slots, front_desk_user):
    appointment_request = appointment_request_submit(data=request_data(slot=online_slots[0]))
    services.slot_hold_offer(
        appointment_request=appointment_request, slot=online_slots[3], user=front_desk_user, rules=booking_rules()
    )
    states = dict(appointment_request.slot_holds.values_list("starts_at", "state"))
    assert states == {online_slots[0].starts_at: HoldState.RELEASED, online_slots[3].starts_at: HoldState.HELD}
    offered = appointment_request.slot_holds.get(state=HoldState.HELD)
    assert offered.offered_by == front_desk_user
    open_now = open_times(rules=booking_rules()).slots
    assert online_slots[0] in open_now and online_slots[3] not in open_now
    assert {"scheduling.time_released", "scheduling.time_offered"} <= set(actions(appointment_request))


def test_a_time_entered_by_hand_is_confirmed_for_the_practice_session_length(online_slots, front_desk_user):
    appointment_request = AppointmentRequestFactory(session_format=ONLINE)
    starts_at = online_slots[2].starts_at
    services.appointment_request_triage(
        appointment_request=appointment_request, user=front_desk_user, status=Status.SCHEDULED, scheduled_for=starts_at
    )
    hold = appointment_request.slot_holds.get()
    assert (hold.state, hold.starts_at, hold.ends_at - hold.starts_at) == (
        HoldState.CONFIRMED,
        starts_at,
        timedelta(minutes=50),
    )
    assert online_slots[2] not in open_times(rules=booking_rules()).slots


def test_a_time_entered_by_hand_over_another_requests_time_is_refused_and_nothing_changes(
    online_slots, front_desk_user
):
    appointment_request_submit(data=request_data(slot=online_slots[0]))
    other = AppointmentRequestFactory(session_format=ONLINE)
    with pytest.raises(ValidationError) as error:
        services.appointment_request_triage(
            appointment_request=other,
            user=front_desk_user,
            status=Status.SCHEDULED,
            scheduled_for=online_slots[0].starts_at + timedelta(minutes=20),
        )
    assert "scheduled_for" in error.value.message_dict
    other.refresh_from_db()
    assert (other.status, other.scheduled_for) == (Status.NEW, None)
    assert not other.slot_holds.exists()


def test_scheduling_the_held_time_by_hand_confirms_that_hold(online_slots, front_desk_user):
    appointment_request = appointment_request_submit(data=request_data(slot=online_slots[0]))
    services.appointment_request_triage(
        appointment_request=appointment_request,
        user=front_desk_user,
        status=Status.SCHEDULED,
        scheduled_for=online_slots[0].starts_at,
    )
    assert list(appointment_request.slot_holds.values_list("state", flat=True)) == [HoldState.CONFIRMED]


def test_closing_a_request_or_taking_it_off_the_schedule_releases_its_time(online_slots, front_desk_user):
    held = appointment_request_submit(data=request_data(slot=online_slots[0]))
    services.appointment_request_triage(appointment_request=held, user=front_desk_user, status=Status.REFERRED)
    assert held.slot_holds.get().state == HoldState.RELEASED

    scheduled = AppointmentRequestFactory(session_format=ONLINE)
    services.appointment_request_triage(
        appointment_request=scheduled,
        user=front_desk_user,
        status=Status.SCHEDULED,
        scheduled_for=online_slots[1].starts_at,
    )
    services.appointment_request_triage(appointment_request=scheduled, user=front_desk_user, status=Status.CONTACTED)
    assert scheduled.slot_holds.get().state == HoldState.RELEASED
    open_now = open_times(rules=booking_rules()).slots
    assert online_slots[0] in open_now and online_slots[1] in open_now


def test_contacting_a_visitor_keeps_the_time_they_hold(online_slots, front_desk_user):
    held = appointment_request_submit(data=request_data(slot=online_slots[0]))
    services.appointment_request_triage(appointment_request=held, user=front_desk_user, status=Status.CONTACTED)
    assert held.slot_holds.get().state == HoldState.HELD


def test_the_waitlist_is_oldest_first_and_leaves_out_requests_that_are_over_or_scheduled(site, front_desk_user):
    asked = appointment_request_submit(data=request_data(slot=None, waitlist=True))
    set_by_staff = AppointmentRequestFactory()
    services.appointment_request_triage(
        appointment_request=set_by_staff, user=front_desk_user, status=Status.WAITLISTED
    )
    over = appointment_request_submit(data=request_data(waitlist=True, name="Sam", email="s@client.example"))
    services.appointment_request_triage(appointment_request=over, user=front_desk_user, status=Status.CLOSED)
    AppointmentRequestFactory()  # never asked to wait

    assert list(AppointmentRequest.objects.waitlist()) == [asked, set_by_staff]
    assert asked.waitlist_joined_at is not None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the race needs two real connections (PostgreSQL)")
def test_two_visitors_racing_for_one_time_exactly_one_holds_it(site):
    weekday_hours_publish(formats=(ONLINE,))
    slot = open_times(rules=booking_rules(), session_format=ONLINE).slots[0]
    start = threading.Barrier(2)
    outcomes = []

    def visitor(number):
        try:
            start.wait()
            with transaction.atomic():
                appointment_request_submit(
                    data=request_data(slot=slot, name=f"Visitor {number}", email=f"v{number}@client.example")
                )
                # Keep the transaction open a moment so both inserts are in flight together.
                start_at = timezone.now()
                while timezone.now() - start_at < timedelta(milliseconds=200):
                    pass
            outcomes.append("held")
        except SlotTaken:
            outcomes.append("taken")
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=visitor, args=(number,)) for number in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["held", "taken"]
    assert SlotHold.objects.filter(state=HoldState.HELD).count() == 1
    assert AppointmentRequest.objects.count() == 1
    assert HeldBlock.objects.count() == 12


def test_the_confirmation_and_its_calendar_file_last_as_long_as_the_held_time(
    site, practice_details, front_desk_user, django_capture_on_commit_callbacks
):
    WeeklyHours.objects.create(
        weekday=5, starts=time(10), ends=time(12), session_format=ONLINE, service="couple", session_minutes=80
    )
    slot = open_times(rules=booking_rules()).slots[0]
    appointment_request = appointment_request_submit(data=request_data(slot=slot, sessions_for="couple"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.slot_hold_confirm(appointment_request=appointment_request, user=front_desk_user)

    (message,) = mail.outbox
    assert "80 minutes" in message.body
    event = icalendar.Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")[0]
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=80)


def test_a_confirmed_appointment_is_moved_through_triage_not_by_an_offer(online_slots, front_desk_user):
    appointment_request = appointment_request_submit(data=request_data(slot=online_slots[0]))
    services.slot_hold_confirm(appointment_request=appointment_request, user=front_desk_user)
    with pytest.raises(ValidationError, match="confirmed appointment"):
        services.slot_hold_offer(
            appointment_request=appointment_request, slot=online_slots[3], user=front_desk_user, rules=booking_rules()
        )
    assert list(appointment_request.slot_holds.values_list("state", flat=True)) == [HoldState.CONFIRMED]

    appointment_request.refresh_from_db()
    services.appointment_request_triage(
        appointment_request=appointment_request,
        user=front_desk_user,
        status=Status.SCHEDULED,
        scheduled_for=online_slots[3].starts_at,
    )
    states = dict(appointment_request.slot_holds.values_list("starts_at", "state"))
    assert states == {online_slots[0].starts_at: HoldState.RELEASED, online_slots[3].starts_at: HoldState.CONFIRMED}
