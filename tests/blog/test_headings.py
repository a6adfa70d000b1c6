"""An article's contents list links to its headings: every link lands on its own heading, once."""

import uuid
from collections import Counter

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.rich_text import RichText
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from blog.reading import ARTICLE_PAGE_IDS
from tests.blog.factories import ArticlePageFactory, publish

pytestmark = pytest.mark.django_db


def heading(text, level="h2"):
    return ("heading", {"text": text, "level": level})


def paragraph(words="Words."):
    return ("paragraph", RichText(f"<p>{words}</p>"))


TRICKY_BODY = [
    paragraph("Opening."),
    heading("Reflection"),
    paragraph(),
    heading("Reflection", "h3"),
    heading("What helps"),
    heading("Reflection"),
    heading("???"),
    heading("🌱🌱", "h3"),
    heading("TOC heading"),
    heading("Reflection: reflection prompts"),
    ("reflection_prompts", {"title": "Reflection prompts", "intro": "", "prompts": ["Who helps?"]}),
    heading("Main", "h3"),
]


def render(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    return response.content.decode()


def toc_hrefs(html):
    return [a["href"] for a in BeautifulSoup(html, "html.parser").select("nav.toc a")]


def body_headings(html):
    soup = BeautifulSoup(html, "html.parser")
    return [(h.name, h["id"], h.get_text()) for h in soup.select(".article__body > h2, .article__body > h3")]


def duplicate_ids(html):
    ids = Counter(element["id"] for element in BeautifulSoup(html, "html.parser").select("[id]"))
    return [id_ for id_, seen in ids.items() if seen > 1]


def test_repeated_empty_and_reserved_headings_get_unique_ids_the_contents_list_links_to(
    client, article_index, practice_details
):
    page = publish(ArticlePageFactory(parent=article_index, slug="tricky", body=TRICKY_BODY))

    html = render(client, page)

    assert body_headings(html) == [
        ("h2", "reflection", "Reflection"),
        ("h3", "reflection-2", "Reflection"),
        ("h2", "what-helps", "What helps"),
        ("h2", "reflection-3", "Reflection"),
        ("h2", "section", "???"),
        ("h3", "section-2", "🌱🌱"),
        ("h2", "toc-heading-2", "TOC heading"),
        ("h2", "reflection-reflection-prompts", "Reflection: reflection prompts"),
        ("h3", "main-2", "Main"),
    ]
    h2_ids = [id_ for level, id_, _text in body_headings(html) if level == "h2"]
    assert toc_hrefs(html) == [f"#{id_}" for id_ in h2_ids]
    assert duplicate_ids(html) == []
    # The page's own ids are still there, on what they were for.
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one("#main").name == "main"
    assert soup.select_one("#toc-heading").get_text() == "In this article"
    reflection = soup.select_one("section.reflection")
    assert reflection.select_one(f"#{reflection['aria-labelledby']}").get_text() == "Reflection prompts"


def test_reflection_blocks_with_the_same_title_are_each_labelled_by_their_own(client, article_index, practice_details):
    prompts = {"title": "Reflection prompts", "intro": "", "prompts": ["Who helps?"]}
    body = [
        heading("Reflection prompts"),
        ("reflection_prompts", prompts),
        heading("Later"),
        ("reflection_prompts", prompts),
    ]
    page = publish(ArticlePageFactory(parent=article_index, slug="two-reflections", body=body))

    html = render(client, page)

    assert duplicate_ids(html) == []
    sections = BeautifulSoup(html, "html.parser").select("section.reflection")
    labels = [section["aria-labelledby"] for section in sections]
    assert len(set(labels)) == 2
    for section, label in zip(sections, labels, strict=True):
        assert section.select_one(".reflection__title")["id"] == label
    assert body_headings(html)[0] == ("h2", "reflection-prompts", "Reflection prompts")


def test_anchors_are_the_same_on_every_render_and_the_first_of_a_repeat_keeps_its_plain_slug(
    client, article_index, practice_details
):
    page = publish(
        ArticlePageFactory(
            parent=article_index, slug="steady", body=[heading("Reflection"), heading("Practice"), heading("Rest")]
        )
    )
    before = render(client, page)
    assert toc_hrefs(before) == ["#reflection", "#practice", "#rest"]
    assert render(client, page) == before

    page.body = [*TRICKY_BODY[:1], heading("Reflection"), heading("Practice"), heading("Rest"), heading("Reflection")]
    page.save_revision().publish()

    after = render(client, page)
    assert toc_hrefs(after) == ["#reflection", "#practice", "#rest", "#reflection-2"]
    assert [id_ for _level, id_, _text in body_headings(after)] == ["reflection", "practice", "rest", "reflection-2"]


def test_article_without_headings_has_no_contents_list(client, article_index, practice_details):
    page = publish(ArticlePageFactory(parent=article_index, slug="no-headings", body=[paragraph("Only words.")]))

    html = render(client, page)

    assert "Only words." in html
    assert toc_hrefs(html) == [] and body_headings(html) == []
    assert 'aria-labelledby="toc-heading"' not in html
    assert page.headings == [] and page.heading_anchors == {} and page.table_of_contents == []


def test_every_reserved_article_page_id_is_really_on_the_page(client, article_index, practice_details):
    # Keeps ARTICLE_PAGE_IDS honest: if a template drops or renames an id, this says so.
    page = ArticlePageFactory(
        parent=article_index, slug="with-tags", body=[heading("One"), heading("Two"), heading("Three")]
    )
    page.tags.add("calm")
    publish(page)
    publish(ArticlePageFactory(parent=article_index, slug="another"))

    ids = {element["id"] for element in BeautifulSoup(render(client, page), "html.parser").select("[id]")}

    assert ARTICLE_PAGE_IDS.issubset(ids)


def test_preview_headings_match_the_contents_list(admin_client, article_index, practice_details):
    page = publish(ArticlePageFactory(parent=article_index, slug="draft", body=[paragraph()]))
    body = streamfield(
        [
            heading("Reflection"),
            heading("Reflection"),
            heading("???"),
            heading("Reflection", "h3"),
            ("paragraph", rich_text("<p>Hi.</p>")),
        ]
    )
    for index in range(int(body["count"])):
        # Wagtail's StreamField editor gives every block, even a brand new one, an id.
        body[str(index)]["id"] = str(uuid.uuid4())
    data = {
        "title": page.title,
        "slug": page.slug,
        "summary": page.summary,
        "body": body,
        "tags": "",
        "notify_subscribers": "",
    }
    url = f"/admin/pages/{page.pk}/edit/preview/"

    assert admin_client.post(url, nested_form_data(data)).json()["is_valid"] is True
    html = admin_client.get(url).content.decode()

    assert body_headings(html) == [
        ("h2", "reflection", "Reflection"),
        ("h2", "reflection-2", "Reflection"),
        ("h2", "section", "???"),
        ("h3", "reflection-3", "Reflection"),
    ]
    assert toc_hrefs(html) == ["#reflection", "#reflection-2", "#section"]


def test_heading_anchors_add_no_queries(client, article_index, practice_details):
    plain = publish(ArticlePageFactory(parent=article_index, slug="plain", body=[paragraph()]))
    many = publish(
        ArticlePageFactory(
            parent=article_index,
            slug="many",
            body=[heading("Same", level) for level in ["h2", "h3"] * 15] + [paragraph()],
        )
    )

    def queries(page):
        client.get(page.url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page.url).status_code == 200
        return len(captured)

    assert queries(many) <= queries(plain)
