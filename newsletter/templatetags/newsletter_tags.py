"""The footer sign-up form, for templates/base.html."""

from django import template

from newsletter.forms import CONSENT_TEXT

register = template.Library()


@register.inclusion_tag("newsletter/components/footer_form.html")
def newsletter_footer_form(page=None) -> dict:
    # Only what is the same for every visitor of a page: the whole page stays cacheable.
    return {"consent_text": CONSENT_TEXT, "source_page_id": getattr(page, "pk", None)}
