import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.contrib.redirects.models import Redirect

from blog.models import ArticleIndexPage, ArticlePage, Person
from practice.demo.loader import demo_content_load
from tests.blog.factories import publish

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


def run(*args):
    out = StringIO()
    call_command("import_article", *map(str, args), stdout=out)
    return out.getvalue()


def blocks(page):
    return [(block.block_type, block.value) for block in page.body]


@pytest.fixture
def index(article_index):
    return publish(article_index)


def test_txt_import_recognises_headings_lists_prompts_cta_and_drops_furniture(index, author):
    output = run(FIXTURES / "slowing-down.txt")

    page = ArticlePage.objects.get()
    assert page.title == "Slowing Down in a Hurried World: Why Rest Is Not a Reward"
    assert not page.live and page.notify_subscribers is False
    assert page.display_date == datetime.date(2022, 9, 14)
    assert page.summary.startswith("Many of us were taught") and page.summary.endswith("late night.")
    assert page.author == author
    types = [block_type for block_type, _ in blocks(page)]
    assert types == [
        "paragraph",
        "heading",
        "paragraph",
        "heading",
        "heading",
        "paragraph",
        "heading",
        "paragraph",
        "reflection_prompts",
        "call_to_action",
    ]
    rich = blocks(page)[2][1].source
    assert rich.count("<li>") == 3 and "<b>Productivity guilt.</b> You feel lazy" in rich
    headings = [value["text"] for block_type, value in blocks(page) if block_type == "heading"]
    assert "1. Pause before you answer" in headings
    prompts = blocks(page)[8][1]
    assert list(prompts["prompts"]) == [
        "What does rest look like for you right now?",
        "What would you need to let go of to rest more?",
    ]
    assert blocks(page)[9][1]["heading"] == "Take the next step"
    body_text = str(page.body.raw_data)
    assert "Scroll to Top" not in body_text and "Subscribe" not in body_text and "Get notified" not in body_text
    assert page.full_url in output and f"/admin/pages/{page.pk}/edit/" in output


def test_markdown_import_reads_front_matter_and_keeps_emphasis_and_links(index):
    run(FIXTURES / "letters-to-a-younger-self.md", "--publish")

    page = ArticlePage.objects.get()
    assert page.live and page.title == "Letters to a Younger Self: Writing as a Path to Healing"
    assert page.display_date == datetime.date(2021, 11, 2)
    assert sorted(tag.name for tag in page.tags.all()) == ["journaling", "self-compassion"]
    first = blocks(page)[0][1].source
    assert "<b>tender</b>" in first and "<i>then</i>" in first
    assert '<a href="https://betterlives.example/faq/">our FAQ</a>' in str(page.body.raw_data)
    assert "quote" in [block_type for block_type, _ in blocks(page)]


def test_html_import_keeps_structure_reads_time_and_sanitises(index):
    run(FIXTURES / "when-holidays-are-hard.html")

    page = ArticlePage.objects.get()
    assert page.title == "When the Holidays Are Hard"
    assert page.display_date == datetime.date(2020, 12, 8)
    raw = str(page.body.raw_data)
    assert "<b>loneliness</b>" in raw and "<i>Choosing</i>" in raw
    assert 'href="https://betterlives.example/boundaries/"' in raw
    for unwanted in ("javascript:", "onclick", "dataLayer", "Subscribe", "Comments", "Posted in", "<img", "Home"):
        assert unwanted not in raw, unwanted
    assert [bt for bt, _ in blocks(page)][-2:] == ["reflection_prompts", "call_to_action"]


def test_images_of_the_old_page_are_left_out_and_listed(index, tmp_path):
    output = run(FIXTURES / "when-holidays-are-hard.html")
    assert "1 image left out" in output
    assert "https://old-site.example/wp-content/uploads/candle.jpg" in output
    assert "<img" not in str(ArticlePage.objects.get().body.raw_data)

    markdown = tmp_path / "with-pictures.md"
    markdown.write_text("# Pictures\n\nA first paragraph.\n\n![A lake](lake.jpg) Calm water.\n\n![](a-b.png)\n")
    output = run(markdown, "--dry-run")
    assert "2 images left out" in output
    assert "    lake.jpg" in output and "    a-b.png" in output
    assert "rich text: A first paragraph." in output

    hostile = tmp_path / "hostile.html"
    hostile.write_text('<h1>Hostile</h1><p>Words.</p><img src="x\x1b[2J.png">')
    output = run(hostile, "--dry-run")
    assert "    x[2J.png" in output and "\x1b" not in output  # no terminal escape sequences


def test_dry_run_prints_the_outline_and_changes_nothing(index):
    output = run(FIXTURES / "slowing-down.txt", "--dry-run")
    assert "h2: Why rest feels so uncomfortable" in output
    assert "reflection prompts: Reflection prompts (2 prompts)" in output
    assert not ArticlePage.objects.exists()


def test_update_revises_the_article_with_the_same_slug(index):
    run(FIXTURES / "slowing-down.txt", "--publish")
    with pytest.raises(CommandError, match="--update"):
        run(FIXTURES / "slowing-down.txt")

    output = run(FIXTURES / "slowing-down.txt", "--update", "--publish", "--tags", "rest, stress")

    assert "Updated" in output
    page = ArticlePage.objects.get()
    assert sorted(tag.name for tag in page.tags.all()) == ["rest", "stress"]


def test_date_option_keeps_the_original_date_for_display_feed_and_sitemap(client, index):
    run(FIXTURES / "when-holidays-are-hard.html", "--date", "2015-06-01", "--publish")
    page = ArticlePage.objects.get()
    assert page.display_date == datetime.date(2015, 6, 1)
    assert page.first_published_at.date() == datetime.date(2015, 6, 1)
    assert "<lastmod>2015-06-01</lastmod>" in client.get("/sitemap.xml").content.decode()
    assert "<pubDate>Mon, 01 Jun 2015" in client.get("/articles/feed/").content.decode()


def test_old_url_becomes_a_permanent_redirect(client, index):
    run(FIXTURES / "slowing-down.txt", "--publish", "--old-url", "https://old.example/blog/slowing-down/?p=12")
    page = ArticlePage.objects.get()
    redirect = Redirect.objects.get()
    assert redirect.is_permanent and redirect.redirect_page_id == page.pk
    response = client.get("/blog/slowing-down/?p=12")
    assert response.status_code == 301 and response["Location"].endswith(page.url)


def test_author_option_finds_or_creates_the_person(index):
    run(FIXTURES / "slowing-down.txt", "--author", "Jordan Lee")
    assert ArticlePage.objects.get().author == Person.objects.get(name="Jordan Lee")


def test_notify_option_lets_the_newsletter_email_subscribers(index):
    run(FIXTURES / "slowing-down.txt", "--notify")
    assert ArticlePage.objects.get().notify_subscribers is True


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing.txt", "no such file"),
        ("binary.txt", "binary file"),
        ("empty.txt", "the file is empty"),
        ("latin1.txt", "not UTF-8 text"),
    ],
)
def test_bad_input_gets_a_one_line_error(index, name, message):
    with pytest.raises(CommandError, match=message) as error:
        run(FIXTURES / name)
    assert "\n" not in str(error.value)
    assert not ArticlePage.objects.exists()


def test_bad_options_get_a_one_line_error(index, tmp_path):
    with pytest.raises(CommandError, match="--date"):
        run(FIXTURES / "slowing-down.txt", "--date", "yesterday")
    with pytest.raises(CommandError, match="slug 'nope'"):
        run(FIXTURES / "slowing-down.txt", "--parent", "nope")
    other = tmp_path / "photo.jpg"
    other.write_bytes(b"x")
    with pytest.raises(CommandError, match="unsupported file type"):
        run(other)


def test_command_exits_non_zero_without_a_traceback(index, capsys):
    import subprocess
    import sys

    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "import_article", str(FIXTURES / "empty.txt")],
        capture_output=True,
        text=True,
        env={"DJANGO_SETTINGS_MODULE": "practice.settings.test", "PATH": "/usr/bin:/bin"},
        cwd=Path(__file__).resolve().parents[2],
        check=False,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0 and "empty" in result.stderr


def test_demo_content_adds_published_articles_once_without_notifying(client, settings):
    first = demo_content_load()
    assert "article index page" in first
    articles = ArticlePage.objects.live()
    assert articles.count() >= 8
    assert not articles.filter(notify_subscribers=True).exists()
    assert all(page.hero_image_id and page.author.name == "Dr. Meaghan" for page in articles)
    assert len({page.display_date for page in articles}) == articles.count()
    assert ArticleIndexPage.objects.get().slug == "articles"
    again = demo_content_load()
    assert not any("article" in item or "Dr. Meaghan" in item for item in again)
    assert ArticlePage.objects.count() == articles.count()
    assert client.get("/articles/power-of-belonging/").status_code == 200
