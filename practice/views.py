"""Site-wide views that are not Wagtail pages."""

from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET

from practice.models import tel_url


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """Render 500.html without the database or request context.

    The error may be the database itself, so the page gets only the fallback
    phone from settings, never the Practice details setting.
    """
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
