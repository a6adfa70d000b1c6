"""Template tags for site-wide furniture: the main navigation, the document title."""

from django import template
from wagtail.models import Page, Site

from practice import structured_data
from practice.models import PracticeDetails, outside_private_sections

register = template.Library()


@register.inclusion_tag("components/main_nav.html", takes_context=True)
def main_nav(context):
    """Home, then the home page's live, public children marked "show in menus"."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return {"items": []}
    current_path = getattr(context.get("page"), "path", None)
    root = site.root_page
    pages = [root, *Page.objects.child_of(root).live().filter(outside_private_sections()).in_menu()]
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


# Search engines show about 60–70 characters of a title; past that they cut it themselves, often
# mid-word. A tab shows even less, so the words that tell pages apart come first.
TITLE_MAX_LENGTH = 70
TITLE_SEPARATOR = " · "


def fit_title(*parts: str, suffix: str = "", limit: int = TITLE_MAX_LENGTH) -> str:
    """The parts joined, then the suffix (the practice's short name) if it fits, cut at a word if still too long."""
    title = TITLE_SEPARATOR.join(part.strip() for part in parts if part and part.strip())
    if suffix and (not title or len(title) + len(TITLE_SEPARATOR) + len(suffix) <= limit):
        title = f"{title}{TITLE_SEPARATOR}{suffix}" if title else suffix
    if len(title) > limit:
        title = title[: limit - 1].rsplit(" ", 1)[0].rstrip(" ·,:;–-|") + "…"
    return title


@register.simple_tag(takes_context=True)
def document_title(context, *parts, error=False, prefixes=()):
    """The <title>: what this page is (most specific first; `prefixes` from the view, "Page 2 · Articles"), then
    the practice's short name. An SEO title is complete as written; the home page is the practice's full name."""
    parts = (*prefixes, *parts)
    request = context.get("request")
    details = PracticeDetails.for_request(request) if request is not None else PracticeDetails()
    page = context.get("page")
    suffix = details.display_short_name
    if isinstance(page, Page):
        if page.seo_title:
            parts, suffix = (*parts, page.seo_title), ""
        elif not parts and (site := Site.find_for_request(request)) and page.pk == site.root_page_id:
            parts, suffix = (details.practice_name,), ""
        else:
            parts = (*parts, page.title)
    title = fit_title(*parts, suffix=suffix)
    return f"Error: {title}" if error else title


@register.filter(is_safe=True)
def with_site_name(title, name):
    """`{% filter with_site_name:short_name %}…{% endfilter %}` for titles written as a block."""
    return fit_title(str(title), suffix=name)


@register.simple_tag(takes_context=True)
def practice_json_ld(context, page, image=None):
    request = context.get("request")
    details = PracticeDetails.for_request(request) if request is not None else PracticeDetails()
    data = structured_data.practice_business(
        details=details,
        url=page.full_url,
        description=page.search_description,
        image_url=getattr(image, "full_url", "") or "",
    )
    return structured_data.json_ld_script(data)
