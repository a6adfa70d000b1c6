"""The scheduling page: its routes show the request form, take it, and thank the visitor."""

from datetime import UTC, datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from practice.blocks import RICH_TEXT_FEATURES
from practice.models import PracticeDetails
from practice.rate_limit import rate_limit_exceeded
from scheduling.forms import AppointmentRequestForm, timing_token_make
from scheduling.models.availability import BookingSettings
from scheduling.services import SlotTaken, appointment_request_submit
from scheduling.slots import open_times


class SchedulingPage(RoutablePageMixin, Page):
    intro = RichTextField(features=RICH_TEXT_FEATURES, blank=True, help_text="Shown above the form.")
    what_happens_next = RichTextField(
        features=RICH_TEXT_FEATURES, blank=True, help_text="Shown beside the form and on the thank-you page."
    )
    privacy_note = RichTextField(
        features=RICH_TEXT_FEATURES,
        blank=True,
        help_text="How the request is stored and for how long; shown just before the send button.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("what_happens_next"),
        FieldPanel("privacy_note"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["practice.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = "scheduling page"

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        # What a visitor types must never sit in a shared or browser cache.
        patch_cache_control(response, private=True, no_store=True)
        return response

    @path("")
    @method_decorator(require_http_methods(["GET", "HEAD", "POST"]))
    @method_decorator(sensitive_post_parameters())
    def request_form(self, request):
        details = PracticeDetails.for_request(request)
        # The disclosure statement chosen in Practice details, if it is live (else the form doesn't ask).
        disclosure_page = details.disclosure_page if details.disclosure_page and details.disclosure_page.live else None
        rules = BookingSettings.for_request(request)
        form_options = {
            "clinician_name": details.clinician_name,
            "disclosure_available": disclosure_page is not None,
            "open_times": open_times(rules=rules),
        }
        rate_limited = False
        if request.method == "POST":
            form = AppointmentRequestForm(request.POST, **form_options)
            rate_limited = form.is_valid() and rate_limit_exceeded(
                request=request,
                scope="appointment-request",
                limit=settings.APPOINTMENT_RATE_LIMIT,
                window_seconds=settings.APPOINTMENT_RATE_WINDOW_SECONDS,
            )
            if form.is_valid() and not rate_limited:
                try:
                    appointment_request = appointment_request_submit(
                        data=form.cleaned_data,
                        spam=form.looks_like_spam,
                        disclosure_version=_statement_version(disclosure_page, details=details),
                        rules=rules,
                    )
                except SlotTaken:
                    form.slot_taken(open_times(rules=rules))
                else:
                    sent_url = self.get_url(request) + self.reverse_subpage("request_sent")
                    if appointment_request.requested_for:
                        sent_url += "?" + urlencode({"time": _time_token(appointment_request.requested_for)})
                    return redirect(sent_url)
        else:
            form = AppointmentRequestForm(initial={"started": timing_token_make()}, **form_options)
        context = {
            **self.get_context(request),
            "form": form,
            "error_summary": form.error_summary(),
            "rate_limited": rate_limited,
            "disclosure_page": disclosure_page,
        }
        return TemplateResponse(request, self.get_template(request), context, status=429 if rate_limited else 200)

    @path("thank-you/", name="request_sent")
    @method_decorator(require_safe)
    def request_sent(self, request):
        context = {**self.get_context(request), "requested_for": _time_read(request.GET.get("time", ""))}
        return TemplateResponse(request, "scheduling/request_sent.html", context)


# The thank-you page repeats the time asked for from a signed, short-lived query value (no cookie, nothing
# stored): a time and no more, so the page says nothing about the person even if the address is shared.
TIME_SALT = "scheduling.request-sent.time"
TIME_MAX_AGE = 60 * 60


def _time_token(starts_at: datetime) -> str:
    return signing.dumps(int(starts_at.timestamp()), salt=TIME_SALT)


def _time_read(token: str) -> datetime | None:
    try:
        timestamp = signing.loads(token[:200], salt=TIME_SALT, max_age=TIME_MAX_AGE)
        return datetime.fromtimestamp(int(timestamp), tz=UTC)
    except (signing.BadSignature, TypeError, ValueError, OverflowError):
        return None


def _statement_version(page, *, details: PracticeDetails) -> str:
    """The version printed on the statement the visitor confirmed reading. Its page type is the blog app's,
    which scheduling must not import: any page that offers `statement_version(details=…)` will do."""
    version = getattr(page.specific, "statement_version", None) if page is not None else None
    return version(details=details) if version else ""
