"""Heading anchors: unique on the page, stable, and never one of the page's own ids."""

from collections import Counter

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from practice.blocks import PAGE_IDS, STANDARD_PAGE_IDS, HeadingBlock, unique_anchors
from tests.practice.factories import StandardPageFactory


def test_repeated_headings_get_numbered_anchors_and_the_first_keeps_its_slug():
    assert unique_anchors(["Reflection", "Practice", "Reflection", "Reflection"]) == [
        "reflection",
        "practice",
        "reflection-2",
        "reflection-3",
    ]


def test_a_numbered_anchor_never_takes_another_headings_own_slug():
    # "Step 2" keeps #step-2 whether the repeated "Step" comes before or after it.
    assert unique_anchors(["Step", "Step", "Step 2"]) == ["step", "step-3", "step-2"]
    assert unique_anchors(["Step 2", "Step", "Step"]) == ["step-2", "step", "step-3"]


def test_headings_without_a_slug_get_a_readable_fallback():
    assert unique_anchors(["???", "🌱", "Why?"]) == ["section", "section-2", "why"]
    # …which steps around a heading whose own slug is "section".
    assert unique_anchors(["???", "Section", "!!!"]) == ["section-2", "section", "section-3"]


def test_a_heading_never_takes_a_reserved_page_id():
    assert unique_anchors(["Main", "Main", "Crisis heading"], reserved=PAGE_IDS) == [
        "main-2",
        "main-3",
        "crisis-heading-2",
    ]


def test_anchors_are_deterministic_and_adding_a_heading_later_keeps_earlier_anchors():
    texts = ["Intro", "Reflection", "???", "Reflection"]
    first = unique_anchors(texts, reserved=PAGE_IDS)
    assert unique_anchors(list(texts), reserved=PAGE_IDS) == first
    assert unique_anchors([*texts, "Reflection", "Intro"], reserved=PAGE_IDS)[: len(texts)] == first


def test_heading_block_rendered_on_its_own_uses_its_slug_or_the_fallback():
    block = HeadingBlock()

    def render(text, level="h2", context=None):
        return block.render(block.to_python({"text": text, "level": level}), context=context).strip()

    assert render("Getting started") == '<h2 id="getting-started">Getting started</h2>'
    assert render("???", level="h3") == '<h3 id="section">???</h3>'
    # Also with a page in the context that knows nothing of this block.
    assert render("Main", context={"page": None, "id": "not-a-block-of-this-page"}) == '<h2 id="main">Main</h2>'


def ids_in(html):
    return [element["id"] for element in BeautifulSoup(html, "html.parser").select("[id]")]


def body_headings_in(html):
    soup = BeautifulSoup(html, "html.parser")
    return [(h.name, h["id"], h.get_text()) for h in soup.select(".prose > h2, .prose > h3")]


@pytest.mark.django_db
def test_standard_page_headings_get_unique_ids_that_avoid_the_pages_own(client, home_page, practice_details):
    practice_details.good_faith_estimate = "<p>You have the right to a Good Faith Estimate.</p>"
    practice_details.save()
    page = StandardPageFactory(
        parent=home_page,
        slug="fees",
        body=[
            ("heading", {"text": "Fees", "level": "h2"}),
            ("heading", {"text": "Fees", "level": "h3"}),
            ("paragraph", "<p>Sliding scale.</p>"),
            ("heading", {"text": "Fees", "level": "h2"}),
            ("heading", {"text": "???", "level": "h2"}),
            ("heading", {"text": "Good Faith Estimate", "level": "h2"}),
            ("good_faith_estimate", None),
            ("heading", {"text": "Main", "level": "h3"}),
        ],
    )

    html = client.get(page.url).content.decode()

    assert body_headings_in(html) == [
        ("h2", "fees", "Fees"),
        ("h3", "fees-2", "Fees"),
        ("h2", "fees-3", "Fees"),
        ("h2", "section", "???"),
        ("h2", "good-faith-estimate-2", "Good Faith Estimate"),
        ("h3", "main-2", "Main"),
    ]
    ids = ids_in(html)
    assert {"main", "good-faith-estimate"} <= set(ids)
    assert [id_ for id_, seen in Counter(ids).items() if seen > 1] == []
    assert client.get(page.url).content.decode() == html


@pytest.mark.django_db
def test_standard_page_without_headings_renders(client, home_page, practice_details):
    page = StandardPageFactory(parent=home_page, slug="plain", body=[("paragraph", "<p>Just words.</p>")])
    empty = StandardPageFactory(parent=home_page, slug="empty", body=[])

    assert "Just words." in client.get(page.url).content.decode()
    assert client.get(empty.url).status_code == 200
    assert page.heading_anchors == {} and empty.heading_anchors == {}


@pytest.mark.django_db
def test_every_reserved_standard_page_id_is_really_on_the_page(client, home_page, practice_details):
    # Keeps STANDARD_PAGE_IDS honest: if a template drops or renames an id, this says so.
    practice_details.good_faith_estimate = "<p>Estimate.</p>"
    practice_details.save()
    page = StandardPageFactory(parent=home_page, slug="gfe", body=[("good_faith_estimate", None)])

    assert STANDARD_PAGE_IDS.issubset(ids_in(client.get(page.url).content.decode()))


@pytest.mark.django_db
def test_heading_anchors_add_no_queries(client, home_page, practice_details):
    plain = StandardPageFactory(parent=home_page, slug="plain", body=[("paragraph", "<p>Words.</p>")])
    headings = StandardPageFactory(
        parent=home_page,
        slug="headings",
        body=[("heading", {"text": "Same", "level": level}) for level in ["h2", "h3"] * 15],
    )

    def queries(url):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries(headings.url) <= queries(plain.url)


def test_an_anchor_never_starts_with_a_digit():
    anchors = unique_anchors(["5 ways to rest", "2024 in review", "5 ways to rest", "Rest"])

    assert anchors == ["section-5-ways-to-rest", "section-2024-in-review", "section-5-ways-to-rest-2", "rest"]
    assert not any(anchor[0].isdigit() for anchor in anchors)
