import datetime
import re

import feedparser
import pytest
from defusedxml import ElementTree as ET
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import PageViewRestriction

from tests.blog.factories import ArticlePageFactory, publish
from tests.practice.factories import StandardPageFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"


def make_articles(index, count, **kwargs):
    return [
        publish(
            ArticlePageFactory(
                parent=index,
                title=f"Piece {n:02d}",
                display_date=datetime.date(2024, 1, 1) + datetime.timedelta(days=n),
                **kwargs,
            )
        )
        for n in range(1, count + 1)
    ]


def titles(html):
    return re.findall(r'class="article-card__title"><a href="[^"]+">([^<]+)</a>', html)


def test_index_lists_newest_first_ten_per_page_with_accessible_pagination(client, article_index):
    publish(article_index)
    make_articles(article_index, 12)

    first = client.get("/articles/").content.decode()
    second = client.get("/articles/?page=2").content.decode()

    assert titles(first) == [f"Piece {n:02d}" for n in range(12, 2, -1)]
    assert titles(second) == ["Piece 02", "Piece 01"]
    assert 'aria-label="Pages of articles"' in first
    assert 'aria-current="page"><span class="visually-hidden">Page </span>1</a>' in first
    assert 'rel="next" href="?page=2"' in first
    assert client.get("/articles/?page=3").status_code == 404
    for junk in ("abc", "²", "٣", "9" * 5000, "-1", "1.0", " 2"):
        assert client.get("/articles/", {"page": junk}).status_code == 404, junk


def test_index_excludes_drafts_future_and_private_articles(client, article_index):
    publish(article_index)
    publish(ArticlePageFactory(parent=article_index, title="Visible"))
    ArticlePageFactory(parent=article_index, title="Draft", live=False)
    private = publish(ArticlePageFactory(parent=article_index, title="Private"))
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="secret")

    html = client.get("/articles/").content.decode()

    assert titles(html) == ["Visible"]


def test_tag_filter_shows_its_state_and_a_clear_link(client, article_index):
    publish(article_index)
    grief = ArticlePageFactory(parent=article_index, title="On grief")
    grief.tags.add("grief")
    publish(grief)
    publish(ArticlePageFactory(parent=article_index, title="On work"))

    html = client.get("/articles/?tag=grief").content.decode()

    assert titles(html) == ["On grief"]
    assert "Showing articles tagged <strong>grief</strong>" in html
    assert '<a href="/articles/">Clear' in html
    unknown = client.get("/articles/?tag=%3Cscript%3E").content.decode()
    assert titles(unknown) == []
    assert "&lt;script&gt;" in unknown and "<script>" not in unknown


def test_index_has_an_empty_state(client, article_index):
    publish(article_index)
    html = client.get("/articles/").content.decode()
    assert "There are no articles here yet." in html


def test_rss_feed_is_valid_with_full_content_absolute_urls_and_only_live_articles(client, article_index):
    publish(article_index)
    image = Image.objects.create(title="Hills", file=get_test_image_file(), description="Soft hills")
    page = ArticlePageFactory(parent=article_index, title="Live piece", hero_image=image)
    page.tags.add("anxiety")
    publish(page)
    ArticlePageFactory(parent=article_index, title="Draft piece", live=False)

    response = client.get("/articles/feed/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Live piece"]
    item = items[0]
    assert item.findtext("link") == "http://testserver/articles/" + page.slug + "/"
    assert item.findtext("category") == "anxiety"
    content = item.findtext(CONTENT)
    assert "Words for section 3." in content
    assert 'src="http://testserver/media/' in content
    assert 'src="/' not in content and 'href="/' not in content


def test_atom_feed_is_valid_with_html_content(client, article_index):
    publish(article_index)
    publish(ArticlePageFactory(parent=article_index, title="Atom piece", display_date=datetime.date(2018, 3, 4)))

    response = client.get("/articles/feed/atom/")

    assert response.status_code == 200
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    entry = feed.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Atom piece"
    assert entry.findtext(f"{ATOM}published").startswith("2018-03-04")
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html" and "Words for section 1." in content.text
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "http://testserver/articles/feed/atom/"


@pytest.mark.parametrize(("path", "version"), [("/articles/feed/", "rss20"), ("/articles/feed/atom/", "atom10")])
def test_feeds_are_well_formed_for_feedparser_with_dates_authors_and_content(client, article_index, path, version):
    """feedparser (bozo 0) reads each feed as a feed reader would, with what the article pages say."""
    publish(article_index)
    image = Image.objects.create(title="Hills", file=get_test_image_file(), description="Soft hills")
    reviewed = ArticlePageFactory(
        parent=article_index,
        title="Reviewed piece",
        hero_image=image,
        display_date=datetime.date(2025, 2, 1),
        last_reviewed=datetime.date(2025, 6, 9),
    )
    reviewed.tags.add("anxiety", "sleep")
    publish(reviewed)
    publish(ArticlePageFactory(parent=article_index, title="Plain & simple <piece>"))

    parsed = feedparser.parse(client.get(path).content)

    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == version
    assert parsed.feed.title and parsed.feed.link == "http://testserver/articles/"
    entries = {entry.title: entry for entry in parsed.entries}
    assert set(entries) == {"Reviewed piece", "Plain & simple <piece>"}
    entry = entries["Reviewed piece"]
    assert entry.link == entry.id == f"http://testserver/articles/{reviewed.slug}/"
    assert entry.published_parsed[:3] == (2025, 2, 1)
    assert entry.author == reviewed.author.name
    assert {tag.term for tag in entry.tags} == {"anxiety", "sleep"}
    assert "Words for section 1." in entry.content[0].value
    if version == "atom10":
        assert entry.updated_parsed[:3] == (2025, 6, 9)


def test_feeds_follow_the_index_slug(client, article_index):
    article_index.slug = "writing"
    publish(article_index)
    assert client.get("/writing/feed/").status_code == 200
    assert client.get("/articles/feed/").status_code == 404


def test_search_finds_articles_and_pages_by_body_text_and_is_noindex(client, article_index, home_page):
    publish(article_index)
    publish(ArticlePageFactory(parent=article_index, title="Belonging", summary="About connection."))
    publish(StandardPageFactory(parent=home_page, slug="fees", title="Fees", intro="What sessions cost."))
    ArticlePageFactory(parent=article_index, title="Hidden draft", live=False)

    html = client.get("/search/?q=section").content.decode()

    assert '<meta name="robots" content="noindex">' in html
    assert ">Belonging</a>" in html and "About connection." in html
    assert "Hidden draft" not in html
    fees = client.get("/search/?q=sessions").content.decode()
    assert ">Fees</a>" in fees


def test_search_handles_bad_input_without_errors(client):
    for query in ("", "%00", "a" * 5000, "<script>alert(1)</script>", "line%0Abreak"):
        response = client.get(f"/search/?q={query}&page=zzz")
        assert response.status_code == 200
        assert "<script>alert" not in response.content.decode()


def test_search_paginates(client, article_index):
    publish(article_index)
    make_articles(article_index, 12)
    html = client.get("/search/?q=section&page=2").content.decode()
    assert "12 results" in html
    assert 'aria-label="Pages of search results"' in html
    assert html.count('class="search-result"') == 2


@pytest.mark.parametrize(
    "query", ['"', '"><b>', 'say "hello', "it's", "back\\slash", "a*", "NEAR(a b)", "a OR", "-x", "^x"]
)
def test_search_treats_quotes_and_query_syntax_as_plain_words(client, article_index, query):
    # Found by tests/reliability: the SQLite full-text backend quotes each word without escaping quotes.
    publish(article_index)
    publish(ArticlePageFactory(parent=article_index, title="Belonging", summary="About connection."))
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<b>" not in response.content.decode()
