"""Template tags for site-wide furniture: the main navigation."""

from django import template
from wagtail.models import Page, Site

register = template.Library()


@register.inclusion_tag("components/main_nav.html", takes_context=True)
def main_nav(context):
    """Home, then the home page's live, public children marked "show in menus"."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return {"items": []}
    current = context.get("page")
    current_path = getattr(current, "path", None)
    root = site.root_page
    pages = [root, *Page.objects.child_of(root).live().public().in_menu()]
    items = []
    for page in pages:
        is_home = page.pk == root.pk
        items.append(
            {
                "title": "Home" if is_home else page.title,
                "url": page.get_url(request),
                "current": current_path == page.path,
                # A page below this item is open: mark the section, not the page.
                "in_section": not is_home and bool(current_path) and current_path.startswith(page.path),
            }
        )
    return {"items": items}
