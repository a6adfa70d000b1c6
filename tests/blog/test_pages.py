import datetime
import json
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.rich_text import RichText

from blog.models import ArticlePage
from tests.blog.factories import ArticlePageFactory, article_body, publish
from tests.practice.factories import StandardPageFactory

pytestmark = pytest.mark.django_db


def every_block_body(*, image, booking_page):
    return [
        ("heading", {"text": "What emotional isolation looks like", "level": "h2"}),
        ("heading", {"text": "1. Naming feelings without judgment", "level": "h3"}),
        (
            "paragraph",
            RichText(
                "<p><b>Perfectionism.</b> You believe <i>everything</i> must be right.</p><ol><li>First</li></ol>"
            ),
        ),
        ("quote", {"quote": "Connection heals.", "attribution": "Dr. Meaghan"}),
        ("image", {"image": {"image": image, "decorative": False, "alt_text": "Two hills"}, "caption": "Dawn light"}),
        ("callout", {"title": "Note", "text": RichText("<p>Call 988 in a crisis.</p>")}),
        (
            "reflection_prompts",
            {
                "title": "Reflection prompts",
                "intro": "Take your time.",
                "prompts": ["Who do you call with good news?", "What helps?"],
            },
        ),
        (
            "call_to_action",
            {
                "heading": "Take the next step",
                "text": "",
                "page": booking_page,
                "button_label": "",
                "show_phone": True,
            },
        ),
        (
            "video",
            {
                "title": "Breathing together",
                "url": "https://video.example/watch/1",
                "thumbnail": image,
                "host": "Example Video",
            },
        ),
    ]


@pytest.fixture
def image():
    return Image.objects.create(title="Hills", file=get_test_image_file(size=(1600, 900)), description="Soft hills")


def test_every_block_renders(client, article_index, practice_details, image, home_page):
    booking = publish(StandardPageFactory(parent=home_page, slug="schedule", title="Schedule"))
    page = publish(
        ArticlePageFactory(
            parent=article_index, slug="every-block", body=every_block_body(image=image, booking_page=booking)
        )
    )

    html = client.get(page.url).content.decode()

    assert '<h2 id="what-emotional-isolation-looks-like">What emotional isolation looks like</h2>' in html
    assert '<h3 id="section-1-naming-feelings-without-judgment">' in html
    assert "<b>Perfectionism.</b>" in html and "<ol><li>First</li></ol>" in html
    assert "Connection heals." in html and "— Dr. Meaghan" in html
    assert 'alt="Two hills"' in html and "<figcaption>Dawn light</figcaption>" in html
    assert 'class="callout"' in html and "Call 988 in a crisis." in html
    assert 'class="reflection"' in html and "<li>Who do you call with good news?</li>" in html
    assert 'href="/schedule/"' in html and "or call" in html and "(303) 578-9317" in html
    assert 'href="https://video.example/watch/1"' in html and "Watch: Breathing together" in html
    assert "<iframe" not in html


def test_article_page_shows_reader_features(client, article_index, practice_details, image):
    page = ArticlePageFactory(
        parent=article_index,
        slug="belonging",
        title="The Power of Belonging",
        hero_image=image,
        last_reviewed=datetime.date(2025, 3, 2),
        display_date=datetime.date(2025, 2, 1),
        body=article_body(sections=3),
    )
    page.tags.add("belonging", "Loneliness")
    publish(page)
    older = publish(
        ArticlePageFactory(parent=article_index, title="Older one", display_date=datetime.date(2024, 1, 1))
    )

    html = client.get("/articles/belonging/").content.decode()

    assert "1 min read" in html
    assert 'aria-labelledby="toc-heading"' in html and 'href="#section-3"' in html
    assert 'href="/articles/?tag=belonging"' in html and 'href="/articles/?tag=loneliness"' in html
    assert 'Last reviewed <time datetime="2025-03-02">' in html
    assert "About the author: </span>Dr. Meaghan" in html
    assert f'href="{older.url}" rel="prev"' in html
    assert "Related articles" in html
    hero = re.search(r"<img[^>]*article__hero-image[^>]*>", html).group(0)
    assert 'fetchpriority="high"' in hero and 'loading="lazy"' not in hero
    assert 'width="' in hero and 'height="' in hero and 'alt="Soft hills"' in hero
    assert 'type="image/avif"' in html and 'type="image/webp"' in html


def test_article_page_seo_meta_and_json_ld(client, article_index, practice_details, image):
    page = ArticlePageFactory(
        parent=article_index,
        slug="seo",
        title="Quiet the mind",
        summary="Everyday tools for worry.",
        hero_image=image,
        display_date=datetime.date(2025, 2, 1),
    )
    page.tags.add("anxiety")
    publish(page)

    html = client.get("/articles/seo/").content.decode()

    assert "<title>Quiet the mind · Better Lives, Building Tribes</title>" in html
    assert '<meta name="description" content="Everyday tools for worry.">' in html
    assert '<link rel="canonical" href="http://testserver/articles/seo/">' in html
    assert '<meta property="og:type" content="article">' in html
    og_image = re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)
    assert og_image.startswith("http://testserver/") and og_image.endswith(".jpg")
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "BlogPosting"
    assert data["headline"] == "Quiet the mind"
    assert data["author"]["name"] == "Dr. Meaghan"
    # An article dated before it went live (imported) starts at midnight of its date, Denver time.
    assert data["datePublished"] == "2025-02-01T00:00:00-07:00"
    assert data["dateModified"] == data["datePublished"]
    assert data["image"]["url"] == og_image
    assert data["publisher"]["name"] == "Better Lives, Building Tribes"
    assert data["url"] == "http://testserver/articles/seo/"


def test_every_page_links_the_feeds_for_autodiscovery(client, article_index, home_page):
    publish(article_index)
    html = client.get("/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml" title="Articles (RSS)" href="/articles/feed/">' in html
    assert 'type="application/atom+xml"' in html and 'href="/articles/feed/atom/"' in html


def test_public_article_pages_have_no_inline_script_or_style_beyond_json_ld(
    client, article_index, practice_details, image
):
    page = publish(ArticlePageFactory(parent=article_index, slug="plain", hero_image=image))
    for url in (page.url, "/articles/", "/articles/?tag=x", "/search/?q=hello"):
        html = client.get(url).content.decode()
        without_json_ld = re.sub(r'<script type="application/ld\+json">.*?</script>', "", html, flags=re.S)
        assert "<script" not in without_json_ld, url
        assert "<style" not in html and "style=" not in html, url
        assert "csrftoken" not in client.cookies


def test_home_page_shows_the_three_newest_articles(client, article_index, practice_details):
    for day in range(1, 6):
        publish(
            ArticlePageFactory(parent=article_index, title=f"Piece {day}", display_date=datetime.date(2025, 1, day))
        )
    ArticlePageFactory(parent=article_index, title="Draft piece", live=False)

    html = client.get("/").content.decode()

    assert "Latest articles" in html
    assert list(re.findall(r">(Piece \d)<", html)) == ["Piece 5", "Piece 4", "Piece 3"]
    assert "Draft piece" not in html
    assert 'href="/articles/">All articles' in html


def test_sitemap_lists_articles_with_their_date_as_lastmod(client, article_index):
    publish(article_index)
    publish(
        ArticlePageFactory(
            parent=article_index,
            slug="dated",
            display_date=datetime.date(2019, 5, 4),
            last_reviewed=datetime.date(2020, 6, 1),
        )
    )
    ArticlePageFactory(parent=article_index, slug="hidden-draft", live=False)

    xml = client.get("/sitemap.xml").content.decode()

    assert "<loc>http://testserver/articles/</loc>" in xml
    assert "<loc>http://testserver/articles/dated/</loc><lastmod>2020-06-01</lastmod>" in xml
    assert "hidden-draft" not in xml


def test_publish_scheduled_publishes_a_scheduled_article(article_index):
    page = ArticlePageFactory(parent=article_index, slug="scheduled", live=False, display_date=None)
    page.go_live_at = timezone.now() + datetime.timedelta(hours=1)
    revision = page.save_revision()
    revision.publish()  # what the editor's "Publish" does with a future go-live date: schedules it
    revision.refresh_from_db()
    assert revision.approved_go_live_at is not None
    call_command("publish_scheduled")
    assert not ArticlePage.objects.get(pk=page.pk).live

    # An hour later, as cron runs the command:
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save()
    call_command("publish_scheduled")

    page = ArticlePage.objects.get(pk=page.pk)
    assert page.live
    assert page.display_date == timezone.localdate(page.first_published_at)
