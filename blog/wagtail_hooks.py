"""The blog's admin: the People snippet, and its part of the demo content."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from blog import services
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


@hooks.register("load_demo_content")
def load_demo_articles(home):
    return services.article_demo_content_load(home=home)
