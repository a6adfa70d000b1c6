import factory
import wagtail_factories

from practice.models import HomePage, StandardPage


class HomePageFactory(wagtail_factories.PageFactory):
    title = "Home"
    hero_heading = "You don’t have to carry it alone"
    hero_lead = "Therapy for adults, couples and teens in Denver and online across Colorado."
    intro = "<p>A calm place to start.</p>"
    cta_heading = "Ready to talk?"
    cta_text = "Reach out for a free 15-minute phone consultation."

    class Meta:
        model = HomePage


class StandardPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Standard page {n}")
    intro = "A short lead."
    show_in_menus = True

    class Meta:
        model = StandardPage
