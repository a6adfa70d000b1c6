"""Admin views shared by the practice's viewsets."""

from wagtail.admin.views.generic import IndexView, InspectView

# A cell starting with one of these is run as a formula by spreadsheet programs (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class GuardedExportIndexView(IndexView):
    """A listing whose CSV and XLSX exports never carry a formula: what visitors typed reaches staff's
    spreadsheets as text. Every admin listing with `list_export` uses it (or a subclass)."""

    def preprocess_field_value(self, field, value, export_format):
        return spreadsheet_safe(super().preprocess_field_value(field, value, export_format))


class ReadableInspectView(InspectView):
    """An inspect view that reads as staff speak: "Yes"/"No" rather than True/False, a dash rather than None."""

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if value is None or value == "":
            return "—"
        return value
