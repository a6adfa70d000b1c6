"""The public appointment request form: plain language, kind errors, spam checks that never block people."""

import itertools
from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format

from practice.forms import (
    EmailAddressField,
    ErrorSummaryMixin,
    MultiLineField,
    PhoneNumberField,
    SingleLineField,
    SubmitTiming,
    Timing,
    choice_errors,
    text_errors,
)
from scheduling.models.appointments import (
    DAY_PARTS,
    TIME_SLOTS,
    WEEKDAYS,
    ClientType,
    ContactMethod,
    Payment,
    SessionFormat,
    SessionsFor,
)
from scheduling.slots import OpenTimes, Slot, slot_value_parse, week_start

TIMING_SALT = "scheduling.request-form.started"
TIMING = SubmitTiming(salt=TIMING_SALT)
YES_NO = [("yes", "Yes"), ("no", "No")]
NO_TIME_FITS = "none"
# How the open times name each format ("in-person sessions").
FORMAT_WORDS = {SessionFormat.IN_PERSON: "in-person", SessionFormat.ONLINE: "online video"}
SLOT_NOT_OPEN = (
    "That time is no longer open: someone may have just asked for it. "
    "Choose another time below, or “None of these times work”"
)


def timing_token_make() -> str:
    """A signed timestamp of when the form was shown; the form flags submits that come too fast as spam."""
    return TIMING.token()


def _yes_no(value: str) -> bool:
    return value == "yes"


class AppointmentRequestForm(ErrorSummaryMixin, forms.Form):
    name = SingleLineField(
        label="Full name",
        max_length=100,
        error_messages=text_errors("Full name", required="Enter your full name"),
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    preferred_name = SingleLineField(
        label="Preferred name",
        max_length=60,
        required=False,
        help_text="If it’s different from your full name.",
        error_messages=text_errors("Preferred name"),
        widget=forms.TextInput(attrs={"autocomplete": "nickname", "spellcheck": "false"}),
    )
    pronouns = SingleLineField(
        label="Pronouns",
        max_length=40,
        required=False,
        help_text="For example she/her, he/him or they/them.",
        error_messages=text_errors("Pronouns"),
    )
    email = EmailAddressField(widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}))
    phone = PhoneNumberField(
        label="Phone number",
        max_length=30,
        help_text="A US number, like (303) 555-0123.",
        error_messages=text_errors("Phone number", required="Enter your phone number"),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    contact_method = forms.ChoiceField(
        label="How would you like us to contact you?",
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        error_messages=choice_errors("Select how you would like us to contact you"),
    )
    voicemail_ok = forms.TypedChoiceField(
        label="May we leave a voicemail that mentions the practice?",
        choices=YES_NO,
        coerce=_yes_no,
        widget=forms.RadioSelect,
        error_messages=choice_errors("Select yes if we may leave a voicemail that mentions the practice"),
    )
    acknowledgement_ok = forms.TypedChoiceField(
        label="May we email you a confirmation that we received this request?",
        choices=YES_NO,
        coerce=_yes_no,
        widget=forms.RadioSelect,
        help_text="Choose no if others can read your email: a confirmation shows that you contacted a therapist.",
        error_messages=choice_errors("Select yes if we may email you a confirmation"),
    )
    sessions_for = forms.ChoiceField(
        label="Who are the sessions for?",
        choices=SessionsFor.choices,
        widget=forms.RadioSelect,
        error_messages=choice_errors("Select who the sessions are for"),
    )
    client_type = forms.ChoiceField(
        label="Have you been a client of the practice before?",
        choices=ClientType.choices,
        widget=forms.RadioSelect,
        error_messages=choice_errors("Select whether you are new or returning"),
    )
    session_format = forms.ChoiceField(
        label="How would you like to meet?",
        choices=SessionFormat.choices,
        widget=forms.RadioSelect,
        error_messages=choice_errors("Select in person or online video"),
    )
    in_colorado = forms.BooleanField(
        label="I will be physically located in Colorado during online sessions",
        required=False,
        help_text=(
            "Needed for online sessions: {clinician} is licensed in Colorado, so the law allows online sessions "
            "only while you are in the state. Not in Colorado? You can choose in-person sessions in Denver, or "
            "call us and we’ll gladly help you find someone licensed where you are."
        ),
    )
    # The open times are rendered by the page from `slot_sections()`; without published hours the field is gone.
    slot = forms.CharField(
        label="Choose a time",
        required=False,
        max_length=64,
        widget=forms.RadioSelect,
        error_messages={
            "max_length": "Choose one of the times shown",
            "null_characters_not_allowed": "Choose one of the times shown",
        },
        help_text="Times are in Denver time (Mountain Time). We hold the time you choose for you while we confirm it.",
    )
    waitlist = forms.BooleanField(
        label="Put me on the waitlist",
        required=False,
        help_text="If a time that suits you opens up, we’ll contact you the way you chose above to offer it.",
    )
    preferred_times = forms.MultipleChoiceField(
        label="When are you usually free?",
        choices=TIME_SLOTS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick every time that could work. Leave them all blank if you’re flexible.",
        error_messages=choice_errors("Select times from the list"),
    )
    availability_note = MultiLineField(
        label="Anything else about timing",
        max_length=300,
        required=False,
        help_text="For example “not the first week of March”.",
        error_messages=text_errors("Anything else about timing"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    payment = forms.ChoiceField(
        label="How will you pay?",
        choices=Payment.choices,
        widget=forms.RadioSelect,
        help_text="Choose self-pay if you have no health insurance, or would rather not use it for therapy.",
        error_messages=choice_errors("Select self-pay or insurance"),
    )
    insurance_provider = SingleLineField(
        label="Insurance provider",
        max_length=120,
        required=False,
        help_text="Only if you’d like to use insurance, for example “Anthem”.",
        error_messages=text_errors("Insurance provider"),
    )
    message = MultiLineField(
        label="Anything you’d like us to know",
        max_length=1000,
        required=False,
        help_text=(
            "Up to 1,000 characters. Please don’t include health details here: "
            "you can share them with {clinician} privately once we’re in touch."
        ),
        error_messages=text_errors("Your message"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    heard_about = SingleLineField(
        label="How did you hear about the practice?",
        max_length=200,
        required=False,
        error_messages=text_errors("How you heard about the practice"),
    )
    consent = forms.BooleanField(
        label="I agree to be contacted about this request",
        error_messages={"required": "Tick the box to agree that we may contact you about this request"},
    )
    privacy_acknowledged = forms.BooleanField(
        label="I have read the privacy policy",
        error_messages={"required": "Tick the box to confirm you have read the privacy policy"},
    )
    # Only on the form when the practice has published its disclosure statement (C.R.S. 12-245-216).
    disclosure_acknowledged = forms.BooleanField(
        label="I have read the disclosure statement",
        error_messages={"required": "Tick the box to confirm you have read the disclosure statement"},
    )
    # Spam checks. Bots fill every field and submit at once; people never see the first.
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        clinician_name: str = "",
        disclosure_available: bool = False,
        open_times: OpenTimes | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if not disclosure_available:
            del self.fields["disclosure_acknowledged"]
        self.open_times = open_times if open_times is not None and open_times.formats else None
        if self.open_times is None:
            # No hours published: people tell us when they are free, as before there were open times.
            del self.fields["slot"], self.fields["waitlist"]
        clinician = clinician_name or "our clinician"
        for name in ("in_colorado", "message"):
            self.fields[name].help_text = self.fields[name].help_text.format(clinician=clinician)

    def clean_slot(self) -> Slot | None:
        """The open time chosen (a Slot), or None for "none of these times work"."""
        value = self.cleaned_data["slot"]
        if not value:
            raise forms.ValidationError("Choose a time, or choose “None of these times work”", code="required")
        if value == NO_TIME_FITS:
            return None
        parsed = slot_value_parse(value)
        if parsed is None:
            raise forms.ValidationError("Choose one of the times shown", code="invalid")
        if parsed[1] <= timezone.now():
            raise forms.ValidationError("That time has passed. Choose another time below", code="past")
        slot = self.open_times.by_value().get(value)
        if slot is None:
            raise forms.ValidationError(SLOT_NOT_OPEN, code="not_open")
        return slot

    def slot_taken(self, open_times: OpenTimes) -> None:
        """Someone else took the chosen time as this request was being saved: show the times open now."""
        self.open_times = open_times
        self.add_error("slot", forms.ValidationError(SLOT_NOT_OPEN, code="taken"))

    def clean(self):
        cleaned = super().clean()
        slot = cleaned.get("slot")
        if slot is not None and cleaned.get("session_format") and slot.session_format != cleaned["session_format"]:
            self.add_error(
                "slot",
                forms.ValidationError(
                    f"That time is for {FORMAT_WORDS[slot.session_format]} sessions. Choose a time "
                    f"for {FORMAT_WORDS[cleaned['session_format']]} sessions, or change how you "
                    "would like to meet",
                    code="wrong_format",
                ),
            )
        elif slot is not None and cleaned.get("sessions_for") and not slot.suits(cleaned["sessions_for"]):
            self.add_error(
                "slot",
                forms.ValidationError(
                    f"That time is for {slot.service_label} only. "
                    "Choose another time, or change who the sessions are for",
                    code="wrong_service",
                ),
            )
        if slot is not None:
            cleaned["waitlist"] = False  # A time was chosen: nothing to wait for.
        if cleaned.get("session_format") == SessionFormat.ONLINE and not cleaned.get("in_colorado"):
            self.add_error(
                "in_colorado",
                forms.ValidationError(
                    "Tick the box if you will be in Colorado during online sessions, or choose in person",
                    code="not_in_colorado",
                ),
            )
        if cleaned.get("payment") == Payment.INSURANCE and not cleaned.get("insurance_provider"):
            self.add_error(
                "insurance_provider",
                forms.ValidationError("Enter the name of your insurance provider", code="required"),
            )
        return cleaned

    @property
    def looks_like_spam(self) -> bool:
        """Honeypot filled, or sent faster than a person could, or a tampered timing field.

        Never an error: a person misjudged as a bot still gets the normal
        thank-you, and the front desk can find the request under "Spam".
        """
        if self.cleaned_data.get("website"):
            return True
        timing = TIMING.verdict(
            self.cleaned_data.get("started", ""), min_seconds=settings.APPOINTMENT_MIN_SUBMIT_SECONDS
        )
        return timing is not Timing.FINE

    def slot_sections(self) -> list[dict]:
        """The open times to show, by format (the one chosen first), then week, then day; each radio with its
        id (the first is the one the error summary links to) and whether it is the one chosen."""
        if self.open_times is None:
            return []
        chosen_format = self.data.get("session_format") if self.is_bound else None
        chosen = str(self.data.get("slot", "")) if self.is_bound else ""
        ids = (f"{self['slot'].auto_id}_{index}" for index in itertools.count())
        today = timezone.localdate()

        def time_choice(slot: Slot) -> dict:
            # Plain strings, made once: a page of weeks holds hundreds of these.
            value = slot.value
            checked = value == chosen
            return {
                "value": value,
                "label": slot.time_label,
                "service_label": slot.service_label,
                "id": next(ids),
                "checked": checked,
            }

        sections = []
        for session_format in sorted(SessionFormat, key=lambda item: item.value != chosen_format):
            # The slots come in time order, so each week's and each day's are together.
            slots = [slot for slot in self.open_times.slots if slot.session_format == session_format]
            weeks = []
            for monday, week in itertools.groupby(slots, key=lambda slot: week_start(slot.day)):
                days = [
                    {"label": date_format(day, "l, F j"), "times": [time_choice(slot) for slot in times]}
                    for day, times in itertools.groupby(week, key=lambda slot: slot.day)
                ]
                times = [time for day in days for time in day["times"]]
                weeks.append(
                    {
                        "label": _week_label(monday, today),
                        "count": len(times),
                        "open": not weeks or any(time["checked"] for time in times),
                        "days": days,
                    }
                )
            published = session_format in self.open_times.formats
            words = FORMAT_WORDS[session_format]
            sections.append({"format": session_format, "words": words, "published": published, "weeks": weeks})
        return sections

    def no_time_fits_choice(self) -> dict:
        chosen = self.is_bound and self.data.get("slot") == NO_TIME_FITS
        index = len(self.open_times.slots) if self.open_times else 0
        return {"value": NO_TIME_FITS, "id": f"{self['slot'].auto_id}_{index}", "checked": chosen}

    def preferred_times_by_day(self) -> list[tuple[str, list]]:
        """The time checkboxes grouped by weekday, each with its part-of-day label."""
        subwidgets = iter(self["preferred_times"])  # In TIME_SLOTS order: by weekday, then part of day.
        return [(day_label, [(next(subwidgets), label) for _, label in DAY_PARTS]) for _, day_label in WEEKDAYS]


def _week_label(monday, today) -> str:
    this_monday = week_start(today)
    if monday == this_monday:
        return "This week"
    if monday == this_monday + timedelta(days=7):
        return "Next week"
    return f"Week of {date_format(monday, 'F j')}"
