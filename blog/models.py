"""Articles: the index at /articles/, the article pages beneath it, their authors and tags."""

from datetime import date, datetime, time

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
from wagtail.fields import StreamField
from wagtail.models import Page, PageManager
from wagtail.search import index

from blog import reading
from blog.blocks import ArticleStreamBlock
from blog.feeds import ArticleAtomFeed, ArticleRssFeed
from newsletter.messages import mailing_render_preview
from practice.blocks import BodyHeading, anchors_by_block_id
from practice.models import PublicPageManager, PublicPageQuerySet

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

    panels = [
        FieldPanel("name"),
        FieldPanel("credentials"),
        FieldPanel("photo"),
        FieldPanel("bio"),
        FieldPanel("profile_page"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = "person"
        verbose_name_plural = "people"

    def __str__(self):
        return self.name


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey("blog.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items")


class ArticlePageQuerySet(PublicPageQuerySet):
    def published(self) -> "ArticlePageQuerySet":
        """What readers may see: live, public, newest first."""
        return self.live().public().order_by("-display_date", "-first_published_at", "-pk")

    def tagged(self, slug: str) -> "ArticlePageQuerySet":
        return self.filter(tags__slug=slug)

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
        """The list and the feeds first (RoutablePageMixin), then an article: in one query, with this page as its
        known parent. Wagtail's own routing reads the child, then its specific row, then the parent again.
        (Not `select_related` for the author and images: the joins cost more than the queries they save, and
        a cached page fragment needs none of them.)"""
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
            articles = articles.tagged(tag.slug) if tag else articles.none()
        paginator = Paginator(articles, ARTICLES_PER_PAGE)
        page_number = request.GET.get("page", "1")
        if not page_number.isdigit() or int(page_number) < 1:
            raise Http404("No such page of articles.")
        page_number = int(page_number)
        # The first page always exists; only a later one needs the count first (one query).
        if page_number > 1 and page_number > paginator.num_pages:
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

    @path("")
    def index_route(self, request):
        return self.render(request)

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
            _text, html = self.newsletter_preview()
            return HttpResponse(html)
        return super().serve_preview(request, mode_name)

    def newsletter_preview(self) -> tuple[str, str]:
        """The email subscribers would get for this article (text, HTML), for the editor's preview."""
        return mailing_render_preview(
            subject=self.title,
            summary=self.summary,
            url=self.full_url or "",
            image_url=self.share_image_url(),
            site=self.get_site(),
        )

    # Reads for templates, feeds and structured data

    def share_image_url(self) -> str | None:
        """The absolute URL of the article's 1200×630 JPEG (what share scrapers and email clients show)."""
        if self.hero_image is None:
            return None
        return self.hero_image.get_rendition("fill-1200x630|format-jpeg").full_url

    @property
    def date(self):
        if self.display_date:
            return self.display_date
        return timezone.localtime(self.first_published_at).date() if self.first_published_at else None

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
    def table_of_contents(self) -> list[reading.TocEntry]:
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
        same_day = models.Q(display_date=self.display_date)
        earlier = siblings.filter(models.Q(display_date__lt=self.display_date) | same_day & models.Q(pk__lt=self.pk))
        later = siblings.filter(models.Q(display_date__gt=self.display_date) | same_day & models.Q(pk__gt=self.pk))
        return earlier.first(), later.order_by("display_date", "pk").first()

    def get_sitemap_urls(self, request=None):
        # lastmod is what the page and its structured data say (see modified_at), as a datetime like
        # every other page's: Wagtail's sitemap compares them to find the newest.
        entries = super().get_sitemap_urls(request)
        if self.modified_at:
            for entry in entries:
                entry["lastmod"] = self.modified_at
        return entries
