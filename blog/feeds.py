"""RSS 2.0 and Atom feeds of the articles, with full content and absolute URLs for feed readers."""

from urllib.parse import urljoin

from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.template.loader import render_to_string
from django.utils import feedgenerator

FEED_ITEMS = 20


def absolutise_urls(*, markup: str, base: str) -> str:
    """Make every link and image address absolute: feed readers show the content away from the site."""
    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup.find_all(True):
        for attribute in ("href", "src"):
            if tag.get(attribute):
                tag[attribute] = urljoin(base, tag[attribute])
        if tag.get("srcset"):
            candidates = []
            for candidate in tag["srcset"].split(","):
                url, _, descriptor = candidate.strip().partition(" ")
                candidates.append(f"{urljoin(base, url)} {descriptor}".strip())
            tag["srcset"] = ", ".join(candidates)
    return str(soup)


class FullContentRssFeed(feedgenerator.Rss201rev2Feed):
    """RSS 2.0 with the article itself in <content:encoded>, which Django's generator does not write."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:content": "http://purl.org/rss/1.0/modules/content/"}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])


class FullContentAtomFeed(feedgenerator.Atom1Feed):
    """Atom with the article itself in <content type="html">, beside the summary."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


class ArticleRssFeed(Feed):
    feed_type = FullContentRssFeed

    def __init__(self, *, index_page):
        super().__init__()
        self.index_page = index_page

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return self.index_page.title

    def link(self):
        return self.index_page.full_url

    def feed_url(self):
        return self.index_page.full_url + ("feed/atom/" if self.feed_type is FullContentAtomFeed else "feed/")

    def description(self):
        return self.index_page.intro or self.index_page.title

    def items(self):
        return self.index_page.articles().for_cards().select_related("author").prefetch_related("tags")[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.full_url

    def item_pubdate(self, item):
        # The moment the page and its structured data give: an imported article keeps its original date.
        return item.published_at

    def item_updateddate(self, item):
        # Atom's "updated": the last significant change, as the page's "Last reviewed" and dateModified say.
        return item.modified_at

    def item_author_name(self, item):
        return item.author.name if item.author else None

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]

    def item_extra_kwargs(self, item):
        html = render_to_string("blog/feeds/article_content.html", {"page": item}, request=self.request)
        return {"content": absolutise_urls(markup=html, base=settings.SITE_URL + "/")}


class ArticleAtomFeed(ArticleRssFeed):
    feed_type = FullContentAtomFeed
    subtitle = ArticleRssFeed.description
