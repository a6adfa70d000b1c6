"""Practice details: the address as fields (migrated from one text box), hours, the phone for machines."""

import datetime
import importlib

import pytest
from django.core.exceptions import ValidationError

from practice.models import PracticeDetails
from practice.phone import telephone_international
from practice.templatetags.practice_tags import fit_title

pytestmark = pytest.mark.django_db

address_migration = importlib.import_module("practice.migrations.0002_structured_address_hours")


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        (
            "Better Lives, Building Tribes\n1550 Larimer Street, Suite 300\nDenver, CO 80202",
            {
                "street_address": "1550 Larimer Street, Suite 300",
                "address_locality": "Denver",
                "address_region": "CO",
                "postal_code": "80202",
            },
        ),
        (
            "1550 Larimer Street\nSuite 300\n  Denver,  co. 80202-1234 ",
            {
                "street_address": "1550 Larimer Street, Suite 300",
                "address_locality": "Denver",
                "address_region": "CO",
                "postal_code": "80202-1234",
            },
        ),
        # A town line it can't read stays with the street, where the clinician will see and fix it.
        ("PO Box 12, Denver Colorado", {"street_address": "PO Box 12, Denver Colorado"}),
    ],
)
def test_the_one_box_address_is_migrated_into_fields(text, fields):
    assert address_migration.split_address(text, "Better Lives, Building Tribes") == fields


def test_address_lines_print_street_then_town_without_the_practice_name(practice_details):
    practice_details.street_address = "1550 Larimer Street, Suite 300"

    assert practice_details.address_lines == ["1550 Larimer Street, Suite 300", "Denver, CO 80202"]
    assert practice_details.postal_address == "1550 Larimer Street, Suite 300\nDenver, CO 80202"


def test_footer_shows_the_address_once_and_the_office_hours(client, practice_details):
    practice_details.opening_hours = [
        {
            "type": "hours",
            "value": {"days": ["Monday", "Tuesday", "Wednesday", "Thursday"], "opens": "09:00", "closes": "18:00"},
        },
        {"type": "hours", "value": {"days": ["Saturday", "Monday"], "opens": "10:00", "closes": "12:30"}},
    ]
    practice_details.save()

    html = client.get("/").content.decode()

    assert "<address>1550 Larimer Street<br>Denver, CO 80202</address>" in html
    assert html.count("Better Lives, Building Tribes</h2>") == 1
    assert 'Monday–Thursday: <time datetime="09:00">9:00 a.m.</time>–<time datetime="18:00">6:00 p.m.</time>' in html
    assert "Monday, Saturday: " in html


def test_opening_hours_must_close_after_they_open(practice_details):
    block = PracticeDetails._meta.get_field("opening_hours").stream_block.child_blocks["hours"]
    with pytest.raises(ValidationError):
        block.clean({"days": ["Monday"], "opens": datetime.time(17), "closes": datetime.time(9)})


def test_zip_code_is_checked(practice_details):
    practice_details.postal_code = "8020"
    with pytest.raises(ValidationError) as error:
        practice_details.full_clean()
    assert "postal_code" in error.value.message_dict


@pytest.mark.parametrize(
    ("shown", "international"),
    [("(303) 578-9317", "+1-303-578-9317"), ("303.578.9317", "+1-303-578-9317"), ("", ""), ("call us", "")],
)
def test_telephone_for_structured_data_is_e164_with_dashes(shown, international):
    assert telephone_international(shown) == international


def test_titles_put_the_page_first_and_the_short_name_only_when_it_fits():
    assert fit_title("Fees & insurance", suffix="Better Lives") == "Fees & insurance · Better Lives"
    long_title = "How to talk with your teenager about anxiety, school pressure and sleep"
    assert fit_title(long_title, suffix="Better Lives") == long_title[:69].rsplit(" ", 1)[0] + "…"
    assert len(fit_title(long_title, suffix="Better Lives")) <= 70
    sixty = "Finding your way back to each other after a hard, busy year"
    assert fit_title(sixty, suffix="Better Lives") == sixty  # No room for the name: the page's words win.
    assert fit_title("Page 2", "Articles", suffix="Better Lives") == "Page 2 · Articles · Better Lives"
    assert fit_title(suffix="Better Lives") == "Better Lives"
