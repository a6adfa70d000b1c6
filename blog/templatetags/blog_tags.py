"""Template tags the rest of the site uses to show articles: the latest-articles list, feed links, JSON-LD."""

from django import template
from django.utils.html import format_html

from blog.models import ArticleIndexPage, ArticlePage
from practice.models import PracticeDetails
from practice.structured_data import json_ld_script

register = template.Library()
LATEST_ARTICLES = 3


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
        # Full moments with their offset, and the same ones the page shows ("Last reviewed …").
        "datePublished": page.published_at.isoformat() if page.published_at else None,
        "dateModified": page.modified_at.isoformat() if page.modified_at else None,
        "wordCount": len(page.plain_text.split()),
        "keywords": [tag.name for tag in tags],
    }
    if page.author:
        data["author"] = {"@type": "Person", "name": page.author.name}
        if page.author.credentials:
            data["author"]["honorificSuffix"] = page.author.credentials
        if page.author.profile_page and page.author.profile_page.live:
            data["author"]["url"] = page.author.profile_page.full_url
    if getattr(image, "full_url", None):
        data["image"] = {"@type": "ImageObject", "url": image.full_url, "width": image.width, "height": image.height}
    if details is not None:
        data["publisher"] = {"@type": "Organization", "name": details.practice_name}
    return json_ld_script({key: value for key, value in data.items() if value not in (None, [])})
