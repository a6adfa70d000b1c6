"""Wagtail's preview panel frames a page rendered for preview; nothing else may frame a public page."""

from django.conf import settings


class PreviewFramingMiddleware:
    """Give previews the policy that lets the admin frame them (frame-ancestors 'self').

    Wagtail renders a preview by running a dummy request through the whole middleware stack
    (`PreviewableMixin.make_preview_request`), so the preview would otherwise carry the public
    policy, `frame-ancestors 'none'`, and the preview panel's iframe would stay empty. Placed after
    Django's ContentSecurityPolicyMiddleware, whose response phase then reads this choice.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "is_preview", False):
            response._csp_config = settings.PREVIEW_CSP
        return response
