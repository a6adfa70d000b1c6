"""Wagtail's preview panel frames a page rendered for preview; nothing else may frame a public page."""

from django.conf import settings
from django.views.decorators.csp import csp_override


class PreviewFramingMiddleware:
    """Give previews PREVIEW_CSP (frame-ancestors 'self'): Wagtail runs its dummy preview request through every
    middleware, and the public policy would leave the preview panel empty. Placed after Django's CSP middleware."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.get_preview_response = csp_override(settings.PREVIEW_CSP)(get_response)

    def __call__(self, request):
        # Wagtail flags its dummy request before the middleware runs (`is_preview` only at the view).
        if getattr(request, "is_dummy", False):
            return self.get_preview_response(request)
        return self.get_response(request)
