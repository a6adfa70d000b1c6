"""Admin views shared by the practice's viewsets."""

from wagtail.admin.views.generic import InspectView


class ReadableInspectView(InspectView):
    """An inspect view that reads as staff speak: "Yes"/"No" rather than True/False, a dash rather than None."""

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if value is None or value == "":
            return "—"
        return value
