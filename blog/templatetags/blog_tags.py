"""Template tags the rest of the site uses to show articles: the latest-articles list, feed links, JSON-LD."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from blog.models import ArticleIndexPage, ArticlePage
from practice.models import PracticeDetails

register = template.Library()
LATEST_ARTICLES = 3
# The same escapes as Django's json_script: the JSON can't close the <script> element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.inclusion_tag("blog/components/latest_articles.html", takes_context=True)
def latest_articles(context, heading="Latest articles"):
    """The newest live articles, in one bounded set of queries, with a link to all of them."""
    articles = list(ArticlePage.objects.published().for_cards()[:LATEST_ARTICLES])
    index = ArticleIndexPage.objects.live().public().first() if articles else None
    return {"articles": articles, "index": index, "heading": heading, "request": context.get("request")}


@register.simple_tag(takes_context=True)
def article_feed_links(context):
    """Autodiscovery <link>s for the article feeds, on every page."""
    index = ArticleIndexPage.objects.live().public().first()
    if index is None:
        return ""
    base = index.get_url(context.get("request"))
    if base is None:
        return ""
    return format_html(
        '<link rel="alternate" type="application/rss+xml" title="{title} (RSS)" href="{base}feed/">\n'
        '  <link rel="alternate" type="application/atom+xml" title="{title} (Atom)" href="{base}feed/atom/">',
        title=index.title,
        base=base,
    )


@register.simple_tag
def json_ld(data):
    """A <script type="application/ld+json"> block: data for search engines, never executed."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308  escaped above


@register.simple_tag(takes_context=True)
def article_json_ld(context, page, image=None, tags=()):
    """schema.org BlogPosting for an article: headline, dates, author, image, publisher."""
    request = context.get("request")
    details = PracticeDetails.for_request(request) if request is not None else None
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": page.title,
        "description": page.get_meta_description(),
        "url": page.full_url,
        "mainEntityOfPage": page.full_url,
        "datePublished": page.date.isoformat() if page.date else None,
        "dateModified": (page.last_reviewed or page.date).isoformat() if page.date else None,
        "wordCount": len(page.plain_text.split()),
        "keywords": [tag.name for tag in tags],
    }
    if page.last_published_at:
        data["dateModified"] = max(filter(None, [data["dateModified"], page.last_published_at.date().isoformat()]))
    if page.author:
        data["author"] = {"@type": "Person", "name": page.author.name}
        if page.author.credentials:
            data["author"]["honorificSuffix"] = page.author.credentials
    if getattr(image, "full_url", None):
        data["image"] = {"@type": "ImageObject", "url": image.full_url, "width": image.width, "height": image.height}
    if details is not None:
        data["publisher"] = {"@type": "Organization", "name": details.practice_name}
    return json_ld({key: value for key, value in data.items() if value not in (None, [])})
