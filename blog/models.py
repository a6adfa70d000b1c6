"""Articles (the index at /articles/, the article pages beneath it, their tags), the people who write them,
and a clinician's Colorado disclosure statement, built from their profile."""

import hashlib
import json
import re
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageManager
from wagtail.search import index

from blog import reading
from blog.blocks import ArticleStreamBlock
from blog.credentials import CREDENTIALS, US_STATES, LicenseType, license_number_clean
from blog.feeds import ArticleAtomFeed, ArticleRssFeed
from newsletter.messages import mailing_render_preview
from practice.blocks import RICH_TEXT_FEATURES, BodyHeading, anchors_by_block_id
from practice.models import PracticeDetails, PublicPageManager, PublicPageQuerySet

ARTICLES_PER_PAGE = 10
RELATED_ARTICLES = 3


def _start_of_day(day: date | None) -> datetime | None:
    """Midnight at the start of a calendar day, in the practice's time zone (aware, correct across DST)."""
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time.min))


class Person(index.Indexed, models.Model):
    """Someone who writes articles: shown in the author card and in the article's structured data."""

    name = models.CharField(max_length=120)
    credentials = models.CharField(max_length=120, blank=True, help_text="For example “PhD, Licensed Psychologist”.")
    photo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A friendly portrait. Its description is read to screen-reader users.",
    )
    bio = models.TextField("short bio", max_length=600, blank=True)
    profile_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The page about this person, such as About. Articles link their author to it.",
    )

    # What Colorado's disclosure statement lists (C.R.S. 12-245-216(1)(b)): for clinicians; authors may skip it.
    degrees = models.TextField(
        blank=True,
        max_length=1000,
        help_text="One a line, as you would list them, e.g. “PhD in Clinical Psychology, University of Denver”.",
    )
    license_type = models.CharField(max_length=30, choices=LicenseType.choices, blank=True)
    license_number = models.CharField(
        max_length=30, blank=True, help_text="As on DORA’s license lookup, e.g. PSY.0004567."
    )
    license_state = models.CharField(
        "licensing state",
        max_length=2,
        blank=True,
        default="CO",
        choices=[(code, code) for code in US_STATES.split()],
    )
    other_credentials = models.TextField(
        "other certifications and training",
        max_length=1000,
        blank=True,
        help_text="One a line, e.g. “Certified EMDR therapist (EMDRIA)”.",
    )
    training_summary = models.TextField(
        "what the license requires",
        max_length=800,
        blank=True,
        help_text=(
            "The education, experience and training the license required, in plain words. Leave empty for the "
            "standard summary of the license type."
        ),
    )
    supervised = models.BooleanField(
        "practices under supervision",
        default=False,
        help_text="Candidates always do; a registered psychotherapist may.",
    )
    supervisor_name = models.CharField(max_length=120, blank=True)
    supervisor_credentials = models.CharField(
        max_length=200, blank=True, help_text="Their license, e.g. “Licensed Psychologist, PSY.0001234”."
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("credentials"),
        FieldPanel("photo"),
        FieldPanel("bio"),
        FieldPanel("profile_page"),
        MultiFieldPanel(
            [
                FieldPanel("degrees"),
                FieldRowPanel([FieldPanel("license_type"), FieldPanel("license_number"), FieldPanel("license_state")]),
                FieldPanel("training_summary"),
                FieldPanel("other_credentials"),
                FieldPanel("supervised"),
                FieldRowPanel([FieldPanel("supervisor_name"), FieldPanel("supervisor_credentials")]),
            ],
            heading="License and credentials",
            help_text="For clinicians: the disclosure statement is built from these.",
        ),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = "person"
        verbose_name_plural = "people"

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        try:
            self.license_number = license_number_clean(self.license_number)
        except ValidationError as error:
            errors["license_number"] = error
        if self.license_type:
            if not self.license_number and "license_number" not in errors:
                errors["license_number"] = "Enter the license or registration number."
            if not self.license_state:
                errors["license_state"] = "Choose the state that issued the license."
        elif self.license_number:
            errors["license_type"] = "Choose the license type this number belongs to."
        if self.credential and self.credential.candidate and not self.supervised:
            errors["supervised"] = "A candidate practices under supervision: tick the box and name the supervisor."
        if self.supervised and not self.supervisor_name.strip():
            errors["supervisor_name"] = "Enter the name of the supervisor."
        if not self.supervised and (self.supervisor_name.strip() or self.supervisor_credentials.strip()):
            errors["supervised"] = "Tick the box if this person practices under supervision, or clear the supervisor."
        if errors:
            raise ValidationError(errors)

    @property
    def credential(self):
        return CREDENTIALS.get(self.license_type)

    @property
    def degree_lines(self) -> list[str]:
        return [line.strip() for line in self.degrees.splitlines() if line.strip()]

    @property
    def other_credential_lines(self) -> list[str]:
        return [line.strip() for line in self.other_credentials.splitlines() if line.strip()]

    @property
    def license_requirements(self) -> str:
        return self.training_summary.strip() or (self.credential.requirements if self.credential else "")

    @property
    def is_registered_psychotherapist(self) -> bool:
        return self.license_type == LicenseType.REGISTERED_PSYCHOTHERAPIST


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey("blog.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items")


class ArticlePageQuerySet(PublicPageQuerySet):
    def published(self) -> "ArticlePageQuerySet":
        """What readers may see: live, public, newest first."""
        return self.live().public().order_by("-display_date", "-first_published_at", "-pk")

    def for_cards(self) -> "ArticlePageQuerySet":
        """Everything a card shows (the image and its renditions) in a fixed number of queries."""
        return self.select_related("hero_image").prefetch_related("hero_image__renditions")


ArticlePageManager = PageManager.from_queryset(ArticlePageQuerySet)


class ArticleIndexPage(RoutablePageMixin, Page):
    intro = models.TextField(max_length=400, blank=True, help_text="A short lead shown under the title.")

    objects = PublicPageManager()

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["practice.HomePage"]
    subpage_types = ["blog.ArticlePage"]
    max_count = 1

    class Meta:
        verbose_name = "article index page"

    def articles(self) -> ArticlePageQuerySet:
        return ArticlePage.objects.child_of(self).published()

    def route(self, request, path_components):
        # The list and the feeds first, then an article in one query with this page as its known parent (Wagtail's
        # routing reads the child, its specific row, then the parent again). No select_related for the author and
        # images: the joins cost more than the queries they save, and a cached page fragment needs none of them.
        if path_components and self.live:
            try:
                self.resolve_subpage("/" + "/".join(path_components) + "/")
            except Http404:
                article = ArticlePage.objects.child_of(self).filter(slug=path_components[0]).first()
                if article is not None:
                    article._cached_parent_obj = self  # what Wagtail's routing sets, read by get_parent()
                    return article.route(request, path_components[1:])
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = self.articles().for_cards()
        tag = None
        tag_slug = request.GET.get("tag", "").strip()
        if tag_slug:
            tag = Tag.objects.filter(slug=tag_slug[:100]).first()
            articles = articles.filter(tags=tag) if tag else articles.none()
        paginator = Paginator(articles, ARTICLES_PER_PAGE)
        page_number = request.GET.get("page", "1")
        # ASCII digits only, and few of them: int() takes "٣" and refuses "²" or 5,000 digits.
        page_number = int(page_number) if re.fullmatch(r"[0-9]{1,9}", page_number) else 0
        # The first page always exists; only a later one needs the count first (one query).
        if page_number < 1 or page_number > 1 and page_number > paginator.num_pages:
            raise Http404("No such page of articles.")
        title_prefixes = [f"Articles tagged “{tag.name}”"] if tag else []
        if page_number > 1:
            title_prefixes.append(f"Page {page_number}")
        context.update(
            title_prefixes=title_prefixes,
            page_number=page_number,
            # Read when the list is shown, so a cached list (see the template) reads nothing.
            articles=SimpleLazyObject(lambda: paginator.page(page_number)),
            paginator=paginator,
            tag=tag,
            tag_slug=tag_slug,
            # An unknown tag shows the same (empty) list whatever was typed: one cache entry for all of them.
            list_key=f"{tag.pk if tag else ('unknown' if tag_slug else 'all')}-{page_number}",
            list_query={"tag": tag.slug} if tag else {},
            page_range=SimpleLazyObject(
                lambda: list(paginator.get_elided_page_range(page_number, on_each_side=1, on_ends=1))
            ),
        )
        return context

    @path("feed/", name="feed_rss")
    def feed_rss(self, request):
        return ArticleRssFeed(index_page=self)(request)

    @path("feed/atom/", name="feed_atom")
    def feed_atom(self, request):
        return ArticleAtomFeed(index_page=self)(request)


class ArticlePage(Page):
    summary = models.TextField(
        max_length=300,
        help_text="One or two sentences (up to 300 characters) for cards, search results, and the newsletter email.",
    )
    author = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    display_date = models.DateField(
        "date",
        null=True,
        blank=True,
        help_text="The date readers see. Leave empty to use the day it is first published.",
    )
    last_reviewed = models.DateField(
        null=True, blank=True, help_text="When you last checked the article is still accurate. Shown to readers."
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hero_image_alt = models.CharField(
        "alt text",
        max_length=250,
        blank=True,
        help_text="Describes the image for people who can’t see it. Leave empty to use the image’s own description.",
    )
    hero_image_decorative = models.BooleanField(
        "the image is decorative",
        default=False,
        help_text="Tick when the image adds nothing to the words: screen readers will skip it.",
    )
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True)
    body = StreamField(ArticleStreamBlock())
    notify_subscribers = models.BooleanField(
        "Email subscribers when this is first published",
        default=True,
        help_text="Subscribers get the title, summary and a link once, when the article first goes live.",
    )

    objects = ArticlePageManager()

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("author"), FieldPanel("display_date"), FieldPanel("last_reviewed")]),
        MultiFieldPanel(
            [FieldPanel("hero_image"), FieldPanel("hero_image_alt"), FieldPanel("hero_image_decorative")],
            heading="Main image",
        ),
        FieldPanel("body"),
        FieldPanel("tags"),
    ]
    settings_panels = [*Page.settings_panels, FieldPanel("notify_subscribers")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("display_date"),
    ]

    parent_page_types = ["blog.ArticleIndexPage"]
    subpage_types = []

    # Editors see the subscribers' email beside the article in Wagtail's preview panel.
    preview_modes = [("", "Article"), ("newsletter", "Newsletter email")]

    class Meta:
        verbose_name = "article page"

    def serve_preview(self, request, mode_name):
        if mode_name == "newsletter":
            _text, html = mailing_render_preview(
                subject=self.title,
                summary=self.summary,
                url=self.full_url or "",
                image_url=self.share_image_url(),
                site=self.get_site(),
            )
            return HttpResponse(html)
        return super().serve_preview(request, mode_name)

    # Reads for templates, feeds and structured data

    def share_image_url(self) -> str | None:
        """The absolute URL of the article's 1200×630 JPEG (what share scrapers and email clients show)."""
        if self.hero_image is None:
            return None
        return self.hero_image.get_rendition("fill-1200x630|format-jpeg").full_url

    @property
    def date(self):
        return self.display_date or (self.first_published_at and timezone.localdate(self.first_published_at))

    @cached_property
    def published_at(self) -> datetime | None:
        """When the article was published, as a moment: the first publication, unless the date readers see is
        another day (an imported article keeps its original date), then the start of that day, local time."""
        first = self.first_published_at and timezone.localtime(self.first_published_at)
        if self.display_date is None or (first and first.date() == self.display_date):
            return first
        return _start_of_day(self.display_date)

    @cached_property
    def modified_at(self) -> datetime | None:
        """When the content last meaningfully changed, as readers are told: the last review ("Last reviewed …"),
        else the publication. Re-publishing to fix a typo doesn't count."""
        moments = [moment for moment in (self.published_at, _start_of_day(self.last_reviewed)) if moment]
        return max(moments, default=None)

    @property
    def hero_alt(self) -> str:
        if self.hero_image_decorative or self.hero_image is None:
            return ""
        return self.hero_image_alt or self.hero_image.default_alt_text or ""

    @cached_property
    def plain_text(self) -> str:
        return reading.body_plain_text(body=self.body)

    @cached_property
    def reading_minutes(self) -> int:
        return reading.reading_minutes(text=self.plain_text)

    @cached_property
    def headings(self) -> list[BodyHeading]:
        return reading.article_headings(body=self.body)

    @cached_property
    def heading_anchors(self) -> dict[str, str]:
        # HeadingBlock renders its id from this, so the ids always match the table of contents.
        return anchors_by_block_id(self.headings)

    @cached_property
    def table_of_contents(self) -> list[BodyHeading]:
        return reading.table_of_contents(headings=self.headings)

    def get_meta_description(self) -> str:
        return self.search_description or self.summary

    def siblings(self) -> ArticlePageQuerySet:
        return ArticlePage.objects.sibling_of(self, inclusive=False).published()

    def related_articles(self, *, limit: int = RELATED_ARTICLES) -> list["ArticlePage"]:
        """Articles sharing the most tags first, then the latest; never this one, never twice. One query."""
        shared = Q(tagged_items__tag__in=[tag.pk for tag in self.tag_list])
        return list(
            self.siblings()
            .annotate(shared_tags=Count("tagged_items", filter=shared, distinct=True))
            .order_by("-shared_tags", "-display_date", "-first_published_at", "-pk")
            .for_cards()[:limit]
        )

    @cached_property
    def tag_list(self) -> list[Tag]:
        return list(self.tags.all())

    def previous_and_next(self) -> tuple["ArticlePage | None", "ArticlePage | None"]:
        """The article published just before this one, and the one just after (by display date)."""
        if self.display_date is None:
            return None, None
        siblings = self.siblings()
        same_day = Q(display_date=self.display_date)
        earlier = siblings.filter(Q(display_date__lt=self.display_date) | same_day & Q(pk__lt=self.pk))
        later = siblings.filter(Q(display_date__gt=self.display_date) | same_day & Q(pk__gt=self.pk))
        return earlier.first(), later.order_by("display_date", "pk").first()

    def get_sitemap_urls(self, request=None):
        # lastmod is what the page and its structured data say (see modified_at), as a datetime like
        # every other page's: Wagtail's sitemap compares them to find the newest.
        entries = super().get_sitemap_urls(request)
        if self.modified_at:
            for entry in entries:
                entry["lastmod"] = self.modified_at
        return entries


DORA_ADDRESS = (
    "Colorado Department of Regulatory Agencies (DORA)\nDivision of Professions and Occupations\n"
    "1560 Broadway, Suite 1350\nDenver, CO 80202"
)
DORA_PHONE = "303-894-7800"
# Raise when the statement's fixed wording (templates/blog/disclosure_statement_page.html) changes, so every
# statement gets a new version. The date is that of the statute text followed: see docs/guide-clinician.md.
STATEMENT_WORDING = "crs-12-245-216-as-amended-2024-08-07.1"


class DisclosureStatementPage(Page):
    """The written disclosure Colorado asks of every psychotherapist at first contact (C.R.S. 12-245-216): the
    required sections come from the clinician's profile and Practice details, the rest is written here."""

    clinician = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Whose statement this is: their license and credentials come from their profile in People.",
    )
    intro = models.TextField(max_length=400, blank=True, help_text="A short lead shown under the title.")
    last_reviewed = models.DateField(
        default=date.today, help_text="When you last checked the statement is accurate. Shown on the statement."
    )
    methods_and_fees = RichTextField(
        "methods, duration and fees",
        features=RICH_TEXT_FEATURES,
        blank=True,
        help_text="How you work, how long therapy usually lasts and what sessions cost. Shown under the rights.",
    )
    additional_information = RichTextField(
        features=RICH_TEXT_FEATURES,
        blank=True,
        help_text="Anything else clients should have in writing, such as cancellations or how to reach you.",
    )
    board_name = models.CharField(
        max_length=120, blank=True, help_text="Leave empty for the board of the clinician’s license type."
    )
    board_address = models.TextField("board address", max_length=300, default=DORA_ADDRESS)
    board_phone = models.CharField("board phone", max_length=32, default=DORA_PHONE)

    content_panels = [
        *Page.content_panels,
        FieldPanel("clinician"),
        FieldPanel("intro"),
        FieldPanel("methods_and_fees"),
        FieldPanel("additional_information"),
        MultiFieldPanel(
            [FieldPanel("board_name"), FieldPanel("board_address"), FieldPanel("board_phone")],
            heading="Who regulates psychotherapy",
            help_text="DORA’s details as of 2024. Check them at dpo.colorado.gov when you review the statement.",
        ),
        FieldPanel("last_reviewed"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["practice.HomePage", "practice.StandardPage"]
    subpage_types = []

    class Meta:
        verbose_name = "disclosure statement page"

    def clean(self):
        super().clean()
        person = Person.objects.filter(pk=self.clinician_id).first() if self.clinician_id else None
        if person is not None and (not person.license_type or person.license_state != "CO"):
            message = "Add this person’s Colorado license or registration in People first: the statement must show it."
            raise ValidationError({"clinician": message})

    @property
    def regulator_name(self) -> str:
        credential = self.clinician.credential
        return self.board_name or (credential.board if credential else "")

    @property
    def board_address_lines(self) -> list[str]:
        return [line.strip() for line in self.board_address.splitlines() if line.strip()]

    def statement_version(self, *, details: PracticeDetails) -> str:
        """What this statement says, as "<last reviewed>.<fingerprint>": it changes with any part of the text."""
        person = self.clinician
        said = {
            "wording": STATEMENT_WORDING,
            "page": [self.title, self.intro, self.methods_and_fees, self.additional_information],
            "board": [self.regulator_name, self.board_address, self.board_phone],
            "clinician": [
                person.name,
                person.credentials,
                person.degrees,
                person.license_type,
                person.license_number,
                person.license_state,
                person.license_requirements,
                person.other_credentials,
                person.supervised,
                person.supervisor_name,
                person.supervisor_credentials,
            ],
            "practice": [
                details.practice_name,
                details.phone,
                details.address_lines,
                details.good_faith_estimate_notice,
            ],
        }
        fingerprint = hashlib.sha256(json.dumps(said, sort_keys=True).encode()).hexdigest()
        return f"{self.last_reviewed:%Y-%m-%d}.{fingerprint[:10]}"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["statement_version"] = self.statement_version(details=PracticeDetails.for_request(request))
        return context
