import pytest
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page
from wagtail.test.utils import WagtailTestUtils
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from practice.models import HomePage, StandardPage
from tests.practice.factories import StandardPageFactory

pytestmark = pytest.mark.django_db


class TestPageTree(WagtailTestUtils):
    def test_home_page_lives_only_at_the_root(self):
        assert HomePage.can_create_at(Page.get_first_root_node())
        assert HomePage.parent_page_types == ["wagtailcore.Page"]

    def test_only_one_home_page(self, home_page):
        assert not HomePage.can_create_at(Page.get_first_root_node())

    def test_standard_pages_go_under_home_or_each_other(self, home_page):
        about = StandardPageFactory(parent=home_page)
        assert StandardPage.can_create_at(home_page)
        assert StandardPage.can_create_at(about)
        assert not StandardPage.can_create_at(Page.get_first_root_node())

    def test_standard_page_cannot_hold_a_home_page(self, home_page):
        about = StandardPageFactory(parent=home_page)
        assert not HomePage.can_create_at(about)


def test_home_page_renders_hero_intro_and_call_to_action(client, practice_details):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "You don’t have to carry it alone" in html
    assert "A calm place to start." in html
    assert "Ready to talk?" in html
    assert 'href="tel:+13035789317"' in html


def test_home_page_booking_button_leads_to_the_booking_page(client, home_page, practice_details):
    booking = StandardPageFactory(parent=home_page, title="Request an appointment", slug="schedule")
    practice_details.booking_page = booking
    practice_details.booking_button_label = "Schedule with Dr. Meaghan"
    practice_details.save()
    html = client.get("/").content.decode()
    assert '<a class="button" href="/schedule/">Schedule with Dr. Meaghan</a>' in html


def test_standard_page_renders_every_block(client, home_page, practice_details):
    practice_details.good_faith_estimate = "<p>You have the right to a Good Faith Estimate.</p>"
    practice_details.save()
    page = StandardPageFactory(
        parent=home_page,
        title="FAQ",
        slug="faq",
        body=[
            ("heading", {"text": "Getting started", "level": "h2"}),
            ("heading", {"text": "Your first call", "level": "h3"}),
            ("paragraph", "<p>We <b>listen</b> first.</p><ul><li>One</li></ul>"),
            ("quote", {"quote": "Connection heals.", "attribution": "Dr. Meaghan"}),
            ("faq", {"question": "How long is a session?", "answer": "<p>Fifty minutes.</p>"}),
            ("call_to_action", {"heading": "Take the next step", "text": "We are here.", "show_phone": True}),
            ("good_faith_estimate", None),
        ],
    )
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 id="getting-started">Getting started</h2>' in html
    assert '<h3 id="your-first-call">Your first call</h3>' in html
    assert "<b>listen</b>" in html
    assert "<blockquote><p>Connection heals.</p></blockquote>" in html
    assert '<summary class="faq__question">How long is a session?</summary>' in html
    assert "Take the next step" in html and "Call <a" in html
    assert "You have the right to a Good Faith Estimate." in html


def test_image_block_uses_alt_text_and_modern_formats(client, home_page, practice_details):
    image = Image.objects.create(title="Calm", file=get_test_image_file(), description="Soft hills at dawn")
    page = StandardPageFactory(
        parent=home_page,
        slug="about",
        body=[("image", {"image": image, "decorative": False, "alt_text": ""})],
    )
    html = client.get(page.url).content.decode()
    assert 'alt="Soft hills at dawn"' in html
    assert 'type="image/avif"' in html and 'type="image/webp"' in html
    assert 'loading="lazy"' in html and 'width="' in html and 'height="' in html


def test_main_navigation_lists_menu_pages_and_marks_the_current_one(client, home_page, practice_details):
    about = StandardPageFactory(parent=home_page, title="About Dr. Meaghan", slug="about")
    StandardPageFactory(parent=home_page, title="Hidden", slug="hidden", show_in_menus=False)
    html = client.get(about.url).content.decode()
    nav = html[html.index('<nav class="main-nav"') : html.index("</nav>")]
    assert ">Home</a>" in nav
    assert 'href="/about/" aria-current="page">About Dr. Meaghan</a>' in nav
    assert "Hidden" not in nav


def test_practice_details_appear_in_header_and_footer(client, home_page, practice_details):
    privacy = StandardPageFactory(parent=home_page, title="Privacy policy", slug="privacy-policy")
    practice_details.privacy_page = privacy
    practice_details.save()
    html = client.get("/").content.decode()
    assert "Better Lives, Building Tribes" in html
    assert "Dr. Meaghan, PhD, Licensed Psychologist" in html
    assert "1550 Larimer Street<br>Denver, CO 80202" in html
    assert "call or text 988" in html
    assert '<a href="/privacy-policy/">Privacy policy</a>' in html
    assert "mailto:hello@practice.example" in html
    # The front-desk address is for staff alerts only.
    assert "frontdesk@practice.example" not in html


def test_public_pages_have_no_inline_scripts_or_styles(client, home_page, practice_details):
    StandardPageFactory(parent=home_page, slug="about")
    for url in ("/", "/about/", "/no-such-page/"):
        html = client.get(url).content.decode()
        # JSON-LD data blocks are fine: they don't execute.
        assert html.count("<script") == html.count('<script type="application/ld+json">')
        assert "<style" not in html
        assert "style=" not in html


def test_home_page_renders_in_a_bounded_number_of_queries(
    client, home_page, practice_details, django_assert_max_num_queries
):
    for index in range(10):
        StandardPageFactory(parent=home_page, slug=f"page-{index}")
    client.get("/")  # warm Wagtail's per-process caches
    with django_assert_max_num_queries(12):
        assert client.get("/").status_code == 200


def test_standard_page_can_be_created_in_the_admin(admin_client, home_page):
    response = admin_client.post(
        f"/admin/pages/add/practice/standardpage/{home_page.pk}/",
        nested_form_data(
            {
                "title": "Services",
                "slug": "services",
                "intro": "How we can help.",
                "body": streamfield([("paragraph", rich_text("<p>Individual therapy.</p>"))]),
                "action-publish": "publish",
            }
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = StandardPage.objects.get(slug="services")
    assert page.live


def test_faq_answers_are_rendered_as_disclosure_widgets(client, home_page, practice_details):
    page = StandardPageFactory(
        parent=home_page,
        slug="faq",
        body=[("faq", {"question": "Do you see teens?", "answer": "<p>Yes, with a parent.</p>"})],
    )
    html = client.get(page.url).content.decode()
    assert '<details class="faq">' in html


def test_home_page_tolerates_missing_practice_details(client, home_page):
    assert client.get("/").status_code == 200
