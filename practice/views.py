"""Site-wide views that are not Wagtail pages."""

from django.conf import settings
from django.http import HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

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
