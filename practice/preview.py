"""Wagtail's preview panel frames a page rendered for preview; nothing else may frame a public page."""

from django.conf import settings
from django.views.decorators.csp import csp_override


class PreviewFramingMiddleware:
    """Give previews the policy that lets the admin frame them (frame-ancestors 'self').

    Wagtail renders a preview by running a dummy request through the whole middleware stack
    (`PreviewableMixin.make_preview_request`), so the preview would otherwise carry the public
    policy, `frame-ancestors 'none'`, and the preview panel's iframe would stay empty. Placed after
    Django's ContentSecurityPolicyMiddleware, whose response phase then applies the view-level override.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.get_preview_response = csp_override(settings.PREVIEW_CSP)(get_response)

    def __call__(self, request):
        # Wagtail flags its dummy request before the middleware runs (`is_preview` only at the view).
        if getattr(request, "is_dummy", False):
            return self.get_preview_response(request)
        return self.get_response(request)
