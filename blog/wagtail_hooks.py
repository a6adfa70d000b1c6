"""The blog's admin: the People snippet."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from blog.models import Person


class PersonViewSet(SnippetViewSet):
    model = Person
    icon = "user"
    menu_label = "People"
    list_display = ["name", "credentials"]
    search_fields = ["name"]
    add_to_admin_menu = True
    menu_order = 300


register_snippet(PersonViewSet)
