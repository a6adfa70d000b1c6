"""Wagtail hooks of the practice app."""

from wagtail import hooks

from practice.page_cache import page_cache_mark_cacheable


# Ordered after Wagtail's own view-restriction check: a page behind a password,
# login or group restriction answers anonymous readers from that check, so this
# hook never runs for them, and whoever passes a restriction has a session,
# which the page cache never serves.
@hooks.register("before_serve_page", order=100)
def allow_page_cache(page, request, serve_args, serve_kwargs):
    page_cache_mark_cacheable(request)
