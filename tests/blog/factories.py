import datetime

import factory
import wagtail_factories
from wagtail.rich_text import RichText

from blog.models import ArticleIndexPage, ArticlePage, DisclosureStatementPage, Person


class PersonFactory(factory.django.DjangoModelFactory):
    name = "Dr. Meaghan"
    credentials = "PhD, Licensed Psychologist"
    bio = "Dr. Meaghan helps adults, couples and teens feel steadier and more connected."

    class Meta:
        model = Person


def licensed_person(**fields) -> Person:
    """A Colorado-licensed psychologist with degrees, as the disclosure statement needs."""
    defaults = {
        "degrees": "PhD in Clinical Psychology, University of Denver\nMA in Counseling, CU Denver",
        "license_type": "psychologist",
        "license_number": "PSY.0004567",
        "license_state": "CO",
    }
    return PersonFactory(**(defaults | fields))


class DisclosureStatementPageFactory(wagtail_factories.PageFactory):
    title = "Disclosure statement"
    slug = "disclosure-statement"
    clinician = factory.LazyFunction(licensed_person)
    last_reviewed = datetime.date(2026, 11, 30)
    methods_and_fees = "<p>Sessions are $160.</p>"

    class Meta:
        model = DisclosureStatementPage


class ArticleIndexPageFactory(wagtail_factories.PageFactory):
    title = "Articles"
    slug = "articles"
    intro = "Gentle, practical reading."

    class Meta:
        model = ArticleIndexPage


def article_body(*, sections: int = 3) -> list[tuple]:
    body = [("paragraph", RichText("<p>An opening paragraph about connection and belonging.</p>"))]
    for number in range(1, sections + 1):
        body.append(("heading", {"text": f"Section {number}", "level": "h2"}))
        body.append(("paragraph", RichText(f"<p>Words for section {number}.</p><ul><li>One</li><li>Two</li></ul>")))
    return body


class ArticlePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    summary = "A short summary of the article for cards and feeds."
    author = factory.SubFactory(PersonFactory)
    display_date = factory.Sequence(lambda n: datetime.date(2025, 1, 1) + datetime.timedelta(days=n))
    body = factory.LazyFunction(article_body)
    notify_subscribers = False

    class Meta:
        model = ArticlePage


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page
