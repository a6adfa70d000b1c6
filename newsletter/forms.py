"""The subscribe forms: the footer's (cacheable, no token) and the /newsletter/ page's (CSRF + time to submit)."""

from django import forms
from django.conf import settings

from practice.forms import EmailAddressField, ErrorSummaryMixin, SingleLineField, SubmitTiming, Timing, text_errors

# The sentence shown beside every subscribe form. Change CONSENT_VERSION whenever the wording changes:
# each subscriber records the version they agreed to.
CONSENT_VERSION = "2025-1"
CONSENT_TEXT = (
    "We’ll email you when a new article is published, and for nothing else. "
    "We’ll first send a link to confirm. Unsubscribe with one click at any time."
)
STARTED_SALT = "newsletter.form-started"
STARTED_MAX_AGE = 60 * 60 * 24
TIMING = SubmitTiming(salt=STARTED_SALT)


class SubscribeForm(ErrorSummaryMixin, forms.Form):
    email = EmailAddressField()
    first_name = SingleLineField(
        label="First name (optional)",
        max_length=60,
        required=False,
        error_messages={
            **text_errors("First name"),
            "control_characters": "First name must only use letters, spaces, hyphens and apostrophes",
        },
    )
    # A honeypot: hidden from people (CSS and aria-hidden), filled in by naive bots.
    website = forms.CharField(required=False, max_length=200)

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class FooterSubscribeForm(SubscribeForm):
    source_page = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class PageSubscribeForm(SubscribeForm):
    """The form on /newsletter/: that page is not cached, so it carries a signed start time."""

    def __init__(self, *args, check_started: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # False when showing the footer form's errors here: that form had no start time to check.
        self.check_started = check_started
        # A fresh start time every time the form is shown, errors included (the template renders it).
        self.fresh_started = TIMING.token()
        self.too_fast = False

    def clean(self):
        cleaned = super().clean()
        if not self.check_started:
            return cleaned
        timing = TIMING.verdict(
            self.data.get("started", ""), min_seconds=settings.NEWSLETTER_MIN_SUBMIT_SECONDS, max_age=STARTED_MAX_AGE
        )
        if timing is Timing.INVALID:
            raise forms.ValidationError(
                "This form was open too long or was changed. Check your details and submit it again",
                code="expired",
            )
        self.too_fast = timing is Timing.TOO_FAST
        return cleaned

    @property
    def is_bot(self) -> bool:
        return super().is_bot or self.too_fast
