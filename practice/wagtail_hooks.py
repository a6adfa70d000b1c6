"""Wagtail hooks of the practice app."""

from django.urls import path
from wagtail import hooks

from practice import two_factor
from practice.page_cache import page_cache_mark_cacheable


# After Wagtail's view-restriction check: it answers anonymous readers of a restricted page before this hook,
# and whoever passes a restriction has a session, which the page cache never serves.
@hooks.register("before_serve_page", order=100)
def allow_page_cache(page, request, serve_args, serve_kwargs):
    page_cache_mark_cacheable(request)


@hooks.register("register_admin_urls")
def two_factor_urls():
    return [
        path("two-factor/setup/", two_factor.setup, name="two_factor_setup"),
        path("two-factor/verify/", two_factor.verify, name="two_factor_verify"),
        path("two-factor/backup-codes/", two_factor.backup_codes, name="two_factor_backup_codes"),
    ]


hooks.register("register_account_menu_item", two_factor.account_menu_item)
