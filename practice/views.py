"""Site-wide views that are not Wagtail pages."""

import dataclasses

from django.conf import settings
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET
from django.views.static import serve

from practice import services
from practice.phone import tel_url


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """500.html without the database (the error may be the database): the fallback phone from settings only."""
    phone = settings.PRACTICE_PHONE_FALLBACK
    template = loader.get_template(template_name)
    return HttpResponseServerError(template.render({"phone": phone, "phone_href": tel_url(phone)}))


@require_GET
def robots_txt(request):
    return render(
        request,
        "robots.txt",
        {"sitemap_url": f"{settings.SITE_URL}/sitemap.xml"},
        content_type="text/plain; charset=utf-8",
    )


@never_cache
@require_GET
def healthz(request):
    """Liveness: the process answers; no database."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@never_cache
@require_GET
def readyz(request):
    readiness = services.readiness_check()
    return JsonResponse(dataclasses.asdict(readiness), status=503 if readiness.status == "unavailable" else 200)


def media(request, path):
    # MEDIA_ROOT is read per request, not when the URLconf is imported.
    return serve(request, path, document_root=settings.MEDIA_ROOT)
