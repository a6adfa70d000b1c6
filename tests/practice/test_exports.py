"""Admin exports never hand a spreadsheet a formula: one guarded base for every listing that exports."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.admin.viewsets import viewsets as admin_viewsets
from wagtail.admin.viewsets.model import ModelViewSet

from practice.admin_views import GuardedExportIndexView, spreadsheet_safe
from tests.newsletter.factories import SubscriberFactory

# What visitors can type that spreadsheet programs would run (OWASP's list), and what must stay as it is.
HOSTILE = ['=HYPERLINK("http://evil.example","Click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1+1"]


@pytest.mark.parametrize("value", HOSTILE)
def test_formulas_become_text(value):
    assert spreadsheet_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["Ana", "", "1-2", "ana@example.com", None, 3])
def test_everything_else_is_left_alone(value):
    assert spreadsheet_safe(value) == value


def test_every_admin_listing_that_exports_is_guarded():
    exporting = [
        viewset
        for viewset in admin_viewsets.viewsets
        # Wagtail's viewsets say "no export" with an UNDEFINED marker, not an empty list.
        if isinstance(viewset, ModelViewSet) and isinstance(getattr(viewset, "list_export", None), list | tuple)
    ]
    assert {viewset.model._meta.label for viewset in exporting} >= {
        "newsletter.Subscriber",
        "scheduling.AppointmentRequest",
    }
    for viewset in exporting:
        assert issubclass(viewset.index_view_class, GuardedExportIndexView), viewset.model._meta.label


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE)
def test_subscriber_export_neutralises_a_typed_formula_in_csv_and_xlsx(admin_client, value):
    SubscriberFactory(email="ana@example.com", first_name=value)
    index = reverse("newsletter_subscribers:index")

    response = admin_client.get(index, {"export": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["First name"] for row in rows] == ["'" + value]

    response = admin_client.get(index, {"export": "xlsx"})
    sheet = load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    ).active
    headings = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=headings.index("First name") + 1)
    assert cell.value == "'" + value
    assert cell.data_type == "s"  # a string, not a formula
