"""Public newsletter views: subscribe (footer endpoint and /newsletter/ page), confirm, unsubscribe."""

from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from wagtail.models import Page

from newsletter import services, tokens
from newsletter.forms import CONSENT_TEXT, CONSENT_VERSION, FooterSubscribeForm, PageSubscribeForm
from newsletter.models import SubscriberStatus
from practice.rate_limit import rate_limit_exceeded

SAFE_FETCH_SITES = {"same-origin", "none"}


def rate_limited(request) -> bool:
    """Count this subscribe request against the client's address; True once over the limit."""
    return rate_limit_exceeded(
        request=request,
        scope="newsletter-subscribe",
        limit=settings.NEWSLETTER_SUBSCRIBE_RATE_LIMIT,
        window_seconds=settings.NEWSLETTER_SUBSCRIBE_RATE_WINDOW,
    )


def same_origin(request) -> bool:
    """Whether a POST comes from our own pages (the footer endpoint's stand-in for a CSRF token). Browsers send
    Sec-Fetch-Site and Origin with every form POST; without either it is no browser, with no session to ride on."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in SAFE_FETCH_SITES
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    allowed = {urlsplit(settings.SITE_URL)._replace(path="").geturl(), f"{request.scheme}://{request.get_host()}"}
    return origin in allowed


def _page_context(form) -> dict:
    return {"form": form, "consent_text": CONSENT_TEXT}


def _subscribe(form, *, source_page=None) -> None:
    if form.is_bot:
        return  # Bots get the same answer as people, and nothing else.
    services.subscriber_subscribe(
        email=form.cleaned_data["email"],
        first_name=form.cleaned_data["first_name"],
        consent_version=CONSENT_VERSION,
        source_page=source_page,
    )


def _too_many(request):
    return render(request, "newsletter/too_many.html", status=429)


@never_cache
@sensitive_post_parameters("email", "first_name")
@require_http_methods(["GET", "POST"])
def index(request):
    """The /newsletter/ page: not cached, so its form uses Django's CSRF token and a signed start time."""
    if request.method == "POST":
        form = PageSubscribeForm(request.POST)
        if rate_limited(request):
            return _too_many(request)
        if form.is_valid():
            _subscribe(form)
            return redirect("newsletter:check_inbox")
    else:
        form = PageSubscribeForm()
    return render(request, "newsletter/index.html", _page_context(form))


# The footer form is on every page, and pages are cached whole for anonymous readers: it can't carry a
# per-visitor CSRF token. The endpoint is CSRF-exempt instead, which is safe because the worst a forged
# POST can do is ask for a confirmation email to be sent — and double opt-in means nothing more happens
# unless the address's owner clicks. Against abuse of that: a same-origin check (Origin / Sec-Fetch-Site)
# stops other sites' pages posting here, a honeypot stops naive bots, a per-IP rate limit caps volume,
# fields are length-capped, and a pending address gets at most one confirmation per 10 minutes.
@csrf_exempt
@never_cache
@sensitive_post_parameters("email", "first_name")
@require_http_methods(["GET", "POST"])
def subscribe(request):
    if request.method == "GET":
        return redirect("newsletter:index")
    if not same_origin(request):
        return render(request, "newsletter/cross_site.html", status=403)
    if rate_limited(request):
        return _too_many(request)
    form = FooterSubscribeForm(request.POST)
    if not form.is_valid():
        # Show the errors on the full page, whose form (with CSRF and a start time) takes it from here.
        page_form = PageSubscribeForm(request.POST, check_started=False)
        page_form.is_valid()
        return render(request, "newsletter/index.html", _page_context(page_form) | {"from_footer": True})
    source_id = form.cleaned_data.get("source_page")
    source_page = Page.objects.filter(pk=source_id).first() if source_id else None
    _subscribe(form, source_page=source_page)
    return redirect("newsletter:check_inbox")


def check_inbox(request):
    return render(request, "newsletter/check_inbox.html")


def _link_problem(request, error: tokens.LinkInvalid):
    expired = isinstance(error, tokens.LinkExpired)
    return render(request, "newsletter/link_invalid.html", {"expired": expired}, status=410 if expired else 404)


# Confirm and unsubscribe need no CSRF token: the signed token in the URL is the authority, and
# RFC 8058 one-click POSTs from mail providers carry no cookies. No cookie is ever set here.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    try:
        subscriber = tokens.subscriber_from_confirm_token(token=token)
        if request.method == "POST":
            newly = services.subscriber_confirm(subscriber=subscriber)
            return render(request, "newsletter/confirmed.html", {"already": not newly})
        if subscriber.status == SubscriberStatus.ACTIVE:
            return render(request, "newsletter/confirmed.html", {"already": True})
        if subscriber.status != SubscriberStatus.PENDING:
            raise tokens.LinkInvalid
    except tokens.LinkInvalid as error:
        return _link_problem(request, error)
    return render(request, "newsletter/confirm.html")


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    try:
        subscriber = tokens.subscriber_from_unsubscribe_token(token=token)
    except tokens.LinkInvalid as error:
        return _link_problem(request, error)
    if request.method == "POST":
        # Any POST unsubscribes: the RFC 8058 body (List-Unsubscribe=One-Click) and our own button alike.
        services.subscriber_unsubscribe(subscriber=subscriber)
        return render(request, "newsletter/unsubscribed.html")
    if subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        return render(request, "newsletter/unsubscribed.html", {"already": True})
    return render(request, "newsletter/unsubscribe.html")
