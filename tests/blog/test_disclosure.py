"""A clinician's credentials on their profile, and the Colorado disclosure statement built from them."""

import pytest
from django.core.exceptions import ValidationError

from blog.models import DORA_ADDRESS, DORA_PHONE
from tests.blog.factories import DisclosureStatementPageFactory, PersonFactory, licensed_person

pytestmark = pytest.mark.django_db

# C.R.S. 12-245-216(1), as amended by SB 24-115: what every statement must say.
REQUIRED_SECTIONS = {
    "your-therapist": "Your therapist",
    "credentials": "Degrees, credentials and licenses",
    "regulation": "Who regulates psychotherapy in Colorado",
    "your-rights": "Your rights as a client",
    "confidentiality": "Confidentiality and its limits",
    "good-faith-estimate-heading": "Your right to a Good Faith Estimate",
}


@pytest.fixture
def statement(home_page, practice_details):
    practice_details.phone = "(303) 578-9317"
    practice_details.street_address = "1550 Larimer Street, Suite 300"
    practice_details.address_locality = "Denver"
    practice_details.postal_code = "80202"
    page = DisclosureStatementPageFactory(parent=home_page)
    practice_details.disclosure_page = page
    practice_details.save()
    return page


# The profile


def test_a_license_needs_its_number_and_state():
    person = PersonFactory.build(license_type="lpc", license_number="", license_state="")
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert set(error.value.message_dict) >= {"license_number", "license_state"}


def test_a_number_needs_a_license_type_and_is_tidied():
    with pytest.raises(ValidationError) as error:
        PersonFactory.build(license_number="PSY.0004567").full_clean()
    assert "license_type" in error.value.message_dict
    person = PersonFactory.build(license_type="psychologist", license_number=" psy.0004567 ")
    person.full_clean()
    assert person.license_number == "PSY.0004567"
    with pytest.raises(ValidationError, match="as on the license"):
        PersonFactory.build(license_type="psychologist", license_number="<script>").full_clean()


def test_a_candidate_must_name_a_supervisor():
    candidate = PersonFactory.build(license_type="lpcc", license_number="LPC.0099999")
    with pytest.raises(ValidationError) as error:
        candidate.full_clean()
    assert "supervised" in error.value.message_dict
    candidate.supervised = True
    with pytest.raises(ValidationError) as error:
        candidate.full_clean()
    assert "supervisor_name" in error.value.message_dict
    candidate.supervisor_name = "Dr. Sam Reyes"
    candidate.full_clean()


def test_a_supervisor_without_supervision_is_refused():
    person = PersonFactory.build(license_type="psychologist", license_number="PSY.1", supervisor_name="Dr. Reyes")
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert "supervised" in error.value.message_dict


def test_an_author_without_a_license_is_still_valid():
    PersonFactory.build(name="Guest Writer", credentials="").full_clean()


# The statement


def test_statement_has_every_required_section_in_order(client, statement, practice_details):
    html = client.get(statement.url).content.decode()
    positions = [html.index(f'<h2 id="{anchor}">{heading}</h2>') for anchor, heading in REQUIRED_SECTIONS.items()]
    assert positions == sorted(positions)
    assert "Dr. Meaghan, PhD, Licensed Psychologist" in html
    assert "1550 Larimer Street, Suite 300" in html and "(303) 578-9317" in html
    assert "Licensed Psychologist, CO number PSY.0004567" in html
    assert "<li>PhD in Clinical Psychology, University of Denver</li>" in html
    assert "doctoral degree in psychology" in html  # what the license requires, (1)(b)(II)
    assert "Division of Professions and Occupations" in html and "State Board of Psychologist Examiners" in html
    assert "1560 Broadway, Suite 1350" in html and DORA_PHONE in html
    assert "second opinion" in html and "end therapy, at any time" in html
    assert "sexual intimacy between a therapist and a client is never appropriate" in html
    assert "C.R.S. 12-245-220" in html
    assert "<p>Sessions are $160.</p>" in html
    assert "at least $400 more" in html  # the default Good Faith Estimate notice
    assert 'Last reviewed <time datetime="2026-11-30">November 30, 2026</time>' in html
    assert f"Version {statement.statement_version(details=practice_details)}" in html
    assert "registered psychotherapist is a psychotherapist listed" not in html


def test_registered_psychotherapist_statement_and_supervision_are_shown(client, home_page, practice_details):
    person = licensed_person(
        license_type="registered_psychotherapist",
        license_number="RPT.0001234",
        supervised=True,
        supervisor_name="Dr. Sam Reyes",
        supervisor_credentials="Licensed Psychologist, PSY.0001111",
    )
    page = DisclosureStatementPageFactory(parent=home_page, clinician=person, board_phone="303-000-0000")
    html = client.get(page.url).content.decode()
    assert '<h2 id="registered-psychotherapist">About registered psychotherapists</h2>' in html
    assert "not licensed by the state and is not required to meet any standard education or testing" in html
    assert "practices under the supervision of Dr. Sam Reyes, Licensed Psychologist, PSY.0001111." in html
    assert "State Board of Unlicensed Psychotherapists" in html
    assert "303-000-0000" in html  # the board's phone is the page's to change


def test_the_board_defaults_to_dora_and_can_be_changed(home_page):
    page = DisclosureStatementPageFactory(parent=home_page, board_name="State Board of Examples")
    assert page.board_address == DORA_ADDRESS
    assert page.regulator_name == "State Board of Examples"


def test_a_statement_needs_a_colorado_license(home_page):
    page = DisclosureStatementPageFactory(parent=home_page)
    page.clinician = PersonFactory(name="Unlicensed Author")
    with pytest.raises(ValidationError, match="Colorado license"):
        page.full_clean()
    page.clinician = licensed_person(name="Elsewhere", license_state="NY")
    with pytest.raises(ValidationError, match="Colorado license"):
        page.full_clean()


def test_the_version_changes_with_the_clinicians_license_and_the_review_date(statement, practice_details):
    before = statement.statement_version(details=practice_details)
    assert before == statement.statement_version(details=practice_details)
    statement.clinician.license_number = "PSY.0009999"
    changed = statement.statement_version(details=practice_details)
    assert changed != before and changed[:10] == before[:10]
    statement.last_reviewed = statement.last_reviewed.replace(day=1)
    assert statement.statement_version(details=practice_details).startswith("2026-11-01.")


def test_statement_is_linked_from_the_footer_and_printable_without_inline_code(client, statement):
    html = client.get("/").content.decode()
    assert f'<li><a href="{statement.url}">Disclosure statement</a></li>' in html
    page_html = client.get(statement.url).content.decode()
    assert '<button class="button button--small" type="button" data-print hidden>' in page_html
    assert '<script type="module" src="/static/blog/print-button.js"></script>' in page_html
    assert "<style" not in page_html and 'style="' not in page_html and "onclick" not in page_html


def test_statement_renders_in_a_bounded_number_of_queries(client, statement, django_assert_max_num_queries):
    # The site, the page and its ancestors, Practice details, the clinician, the footer's pages: none per section.
    client.get(statement.url)
    with django_assert_max_num_queries(14):
        response = client.get(statement.url)
    assert response.status_code == 200
