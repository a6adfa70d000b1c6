"""Views of the scheduling page's routes: the request form and its thank-you page."""

from django.conf import settings
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.debug import sensitive_post_parameters

from practice.models import PracticeDetails
from practice.rate_limit import rate_limit_exceeded
from scheduling.forms import AppointmentRequestForm, timing_token_make
from scheduling.services import appointment_request_submit


@sensitive_post_parameters()
def request_form(request, *, page):
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    details = PracticeDetails.for_request(request)
    status = 200
    rate_limited = False
    if request.method == "POST":
        form = AppointmentRequestForm(request.POST, clinician_name=details.clinician_name)
        if form.is_valid():
            if rate_limit_exceeded(
                request=request,
                scope="appointment-request",
                limit=settings.APPOINTMENT_RATE_LIMIT,
                window_seconds=settings.APPOINTMENT_RATE_WINDOW_SECONDS,
            ):
                rate_limited = True
                status = 429
            else:
                appointment_request_submit(data=form.cleaned_data, spam=form.looks_like_spam)
                return redirect(page.get_url(request) + page.reverse_subpage("request_sent"))
    else:
        form = AppointmentRequestForm(initial={"started": timing_token_make()}, clinician_name=details.clinician_name)
    context = {
        **page.get_context(request),
        "form": form,
        "error_summary": form.error_summary(),
        "rate_limited": rate_limited,
    }
    return TemplateResponse(request, page.get_template(request), context, status=status)


def request_sent(request, *, page):
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return TemplateResponse(request, "scheduling/request_sent.html", page.get_context(request))
