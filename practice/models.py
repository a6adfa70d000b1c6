"""The practice's site-wide pages (home, standard pages) and its details setting."""

from itertools import groupby

from django import forms
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.db.models.functions import Length, Substr
from django.utils.functional import cached_property
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageManager, PageViewRestriction, Site
from wagtail.query import PageQuerySet
from wagtail.search import index

from practice.blocks import (
    RICH_TEXT_FEATURES,
    STANDARD_PAGE_IDS,
    StandardStreamBlock,
    anchors_by_block_id,
    body_headings,
)
from practice.page_cache import PAGE_CACHE_ALIAS
from practice.phone import phone_parse, tel_url, telephone_international

DEFAULT_CRISIS_NOTICE = (
    "This website and its forms are not monitored for emergencies. "
    "If you are in crisis or thinking about harming yourself, call or text 988 "
    "(Suicide & Crisis Lifeline), call 911, or text HOME to 741741 (Crisis Text Line)."
)

# Written from the standard notice HHS published for 45 CFR 149.610(b)(1)(ii) (CMS-10791), in plain language.
# The practice may word it its own way in Practice details; it is never left out.
DEFAULT_GOOD_FAITH_ESTIMATE_NOTICE = (
    "<p>You have the right to receive a “Good Faith Estimate” explaining how much your care will cost.</p>"
    "<p>Under the law, health care providers need to give people who don’t have insurance, or who are not using "
    "insurance, an estimate of the expected charges for their care, including psychotherapy.</p>"
    "<ul><li>You have the right to a Good Faith Estimate of the total expected cost of any non-emergency items or "
    "services, including related costs such as fees.</li>"
    "<li>Make sure your provider gives you a Good Faith Estimate in writing at least 1 business day before your "
    "appointment. You can also ask for one before you schedule.</li>"
    "<li>If you receive a bill that is at least $400 more than your Good Faith Estimate, you can dispute the "
    "bill.</li>"
    "<li>Keep a copy or picture of your Good Faith Estimate.</li></ul>"
    "<p>For questions or more information about your right to a Good Faith Estimate, visit "
    '<a href="https://www.cms.gov/nosurprises">www.cms.gov/nosurprises</a> or call 1-800-985-3059.</p>'
)


def outside_private_sections() -> Exists:
    """Wagtail's `PageQuerySet.public()` as a subquery (no restricted page at or above this one), not the extra
    query Wagtail runs each time to read every view restriction."""
    restricted_above = PageViewRestriction.objects.filter(page__path=Substr(OuterRef("path"), 1, Length("page__path")))
    return ~Exists(restricted_above)


class PublicPageQuerySet(PageQuerySet):
    def public(self):
        return self.filter(outside_private_sections())


PublicPageManager = PageManager.from_queryset(PublicPageQuerySet)


class HomePage(Page):
    hero_heading = models.CharField(max_length=120)
    hero_lead = models.TextField(max_length=400, blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A calm, wide image beside the heading. It is treated as decorative: screen readers skip it.",
    )
    intro = RichTextField(features=RICH_TEXT_FEATURES, blank=True)
    cta_heading = models.CharField("call to action heading", max_length=120, blank=True)
    cta_text = models.TextField("call to action text", max_length=400, blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("hero_heading"), FieldPanel("hero_lead"), FieldPanel("hero_image")],
            heading="Hero",
        ),
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("cta_heading"), FieldPanel("cta_text")],
            heading="Call to action",
            help_text="The button leads to the booking page chosen in Practice details.",
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("hero_heading"),
        index.SearchField("hero_lead"),
        index.SearchField("intro"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    # No subpage_types: the feature apps' top pages (articles, scheduling…) name
    # HomePage as their parent, so practice never has to know about them.
    max_count = 1

    class Meta:
        verbose_name = "home page"


class StandardPage(Page):
    intro = models.TextField(max_length=400, blank=True, help_text="A short lead shown under the title.")
    body = StreamField(StandardStreamBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["practice.HomePage", "practice.StandardPage"]
    subpage_types = ["practice.StandardPage"]

    class Meta:
        verbose_name = "standard page"

    @cached_property
    def heading_anchors(self) -> dict[str, str]:
        # HeadingBlock renders its id from this: unique on the page, whatever the headings say.
        return anchors_by_block_id(body_headings(body=self.body, reserved=STANDARD_PAGE_IDS))


class SocialLinkBlock(blocks.StructBlock):
    label = blocks.CharBlock(max_length=40, help_text="For example “Psychology Today profile”.")
    url = blocks.URLBlock()


class Weekday(models.TextChoices):
    # schema.org's day names, so structured data can use the values as they are.
    MONDAY = "Monday", "Monday"
    TUESDAY = "Tuesday", "Tuesday"
    WEDNESDAY = "Wednesday", "Wednesday"
    THURSDAY = "Thursday", "Thursday"
    FRIDAY = "Friday", "Friday"
    SATURDAY = "Saturday", "Saturday"
    SUNDAY = "Sunday", "Sunday"


class OpeningHoursBlock(blocks.StructBlock):
    days = blocks.MultipleChoiceBlock(
        choices=Weekday.choices, widget=forms.CheckboxSelectMultiple, help_text="The days these hours apply to."
    )
    opens = blocks.TimeBlock()
    closes = blocks.TimeBlock()

    class Meta:
        icon = "time"

    def clean(self, value):
        value = super().clean(value)
        if value.get("opens") and value.get("closes") and value["closes"] <= value["opens"]:
            raise blocks.StructBlockValidationError(
                block_errors={"closes": ValidationError("Closing time must be after opening time.")}
            )
        return value


US_POSTAL_CODE = RegexValidator(r"^\d{5}(-\d{4})?$", "Enter a ZIP code such as 80202 or 80202-1234.")


def _key_page(**kwargs) -> models.ForeignKey:
    return models.ForeignKey("wagtailcore.Page", models.SET_NULL, null=True, blank=True, related_name="+", **kwargs)


@register_setting(icon="home")
class PracticeDetails(BaseSiteSetting):
    # Every page's header and footer link these: read with the setting, not one query each.
    select_related = ["booking_page", "privacy_page", "accessibility_page", "disclosure_page"]

    practice_name = models.CharField(max_length=120, default="Better Lives, Building Tribes")
    clinician_name = models.CharField(
        max_length=120, blank=True, help_text="As shown to visitors, e.g. “Dr. Meaghan”."
    )
    clinician_credentials = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=32, blank=True, help_text="As shown to visitors, e.g. (303) 578-9317.")
    email = models.EmailField(blank=True, help_text="Public contact address.")
    front_desk_email = models.EmailField(
        blank=True,
        help_text="Where new-request alerts go. Never shown to visitors.",
    )
    short_name = models.CharField(
        max_length=40,
        blank=True,
        help_text="A short form of the name for browser tabs and search results, e.g. “Better Lives”.",
    )
    street_address = models.CharField(
        max_length=200, blank=True, help_text="Street, number and suite, e.g. 1550 Larimer Street, Suite 300."
    )
    address_locality = models.CharField("city", max_length=80, blank=True)
    address_region = models.CharField("state", max_length=40, blank=True, default="CO")
    postal_code = models.CharField("ZIP code", max_length=10, blank=True, validators=[US_POSTAL_CODE])
    # ISO 3166 alpha-2, as schema.org's addressCountry wants it.
    address_country = models.CharField("country code", max_length=2, default="US")
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text="Of the office, for map apps and search engines (e.g. 39.749400). Optional.",
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text="E.g. -104.999100. Optional.",
    )
    opening_hours = StreamField(
        [("hours", OpeningHoursBlock())],
        blank=True,
        help_text="When the office is open or staffed, in the practice’s time zone. Shown in the footer.",
    )
    price_range = models.CharField(
        max_length=60,
        blank=True,
        help_text="Session fees as a range, as on the fees page, e.g. “$160–$190”. For search engines.",
    )
    service_area = models.CharField(max_length=200, blank=True)
    online_note = models.CharField(
        "online therapy note",
        max_length=300,
        default="Online therapy is available to people located in Colorado during their sessions.",
    )
    crisis_notice = models.TextField(max_length=600, default=DEFAULT_CRISIS_NOTICE)
    response_time = models.CharField(
        max_length=120,
        default="within one business day",
        help_text="Completes “We will get back to you …”.",
    )
    session_length_minutes = models.PositiveSmallIntegerField(default=50)
    good_faith_estimate = RichTextField(
        "Good Faith Estimate notice",
        features=RICH_TEXT_FEATURES,
        blank=True,
        default=DEFAULT_GOOD_FAITH_ESTIMATE_NOTICE,
        help_text=(
            "Required by the No Surprises Act (45 CFR 149.610): shown on the fees page, the disclosure statement "
            "and the request form. Left empty, the standard wording is shown."
        ),
    )
    booking_button_label = models.CharField(max_length=60, default="Schedule with Dr. Meaghan")
    booking_page = _key_page(
        help_text="Where “Schedule” buttons lead, usually the scheduling page. Without it, they offer the phone."
    )
    privacy_page = _key_page(verbose_name="privacy policy page")
    accessibility_page = _key_page(verbose_name="accessibility statement page")
    disclosure_page = _key_page(
        verbose_name="disclosure statement page",
        help_text="Colorado’s mandatory disclosure statement: linked in the footer, the request form and emails.",
    )
    social_links = StreamField([("link", SocialLinkBlock())], blank=True)

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("practice_name"),
                FieldPanel("short_name"),
                FieldPanel("clinician_name"),
                FieldPanel("clinician_credentials"),
            ],
            heading="Practice",
        ),
        MultiFieldPanel(
            [FieldPanel("phone"), FieldPanel("email"), FieldPanel("front_desk_email")],
            heading="Contact",
        ),
        MultiFieldPanel(
            [
                FieldPanel("street_address"),
                FieldRowPanel(
                    [
                        FieldPanel("address_locality"),
                        FieldPanel("address_region"),
                        FieldPanel("postal_code"),
                        FieldPanel("address_country"),
                    ]
                ),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                FieldPanel("service_area"),
                FieldPanel("online_note"),
            ],
            heading="Where we see clients",
        ),
        FieldPanel("opening_hours"),
        MultiFieldPanel(
            [
                FieldPanel("crisis_notice"),
                FieldPanel("response_time"),
                FieldPanel("session_length_minutes"),
                FieldPanel("good_faith_estimate"),
                FieldPanel("booking_button_label"),
            ],
            heading="Requests and notices",
        ),
        FieldPanel("price_range"),
        MultiFieldPanel(
            [
                FieldPanel("booking_page"),
                FieldPanel("privacy_page"),
                FieldPanel("accessibility_page"),
                FieldPanel("disclosure_page"),
            ],
            heading="Key pages",
        ),
        FieldPanel("social_links"),
    ]

    class Meta:
        verbose_name = "practice details"
        verbose_name_plural = "practice details"

    @classmethod
    def for_request(cls, request):
        """Wagtail's, but kept between requests with the cached pages (saving the details clears them); the
        admin's settings form reads `for_site`, never a copy."""
        attr_name = cls.get_cache_attr_name()
        if hasattr(request, attr_name):
            return getattr(request, attr_name)
        site = Site.find_for_request(request)
        if site is None:
            return super().for_request(request)
        pages = caches[PAGE_CACHE_ALIAS]
        key = f"practice-details:{site.pk}"
        if (details := pages.get(key)) is None:
            details = cls.for_site(site)
            pages.set(key, details, settings.CACHE_MIDDLEWARE_SECONDS)
        details._request = request
        setattr(request, attr_name, details)
        return details

    def __str__(self):
        return self.practice_name

    def clean(self):
        super().clean()
        if self.phone and phone_parse(self.phone) is None:
            raise ValidationError({"phone": "Enter a valid phone number, e.g. (303) 578-9317."})

    @property
    def good_faith_estimate_notice(self) -> str:
        return self.good_faith_estimate or DEFAULT_GOOD_FAITH_ESTIMATE_NOTICE

    @property
    def phone_href(self) -> str:
        return tel_url(self.phone)

    @property
    def telephone(self) -> str:
        return telephone_international(self.phone)

    @property
    def display_short_name(self) -> str:
        return self.short_name or self.practice_name

    @property
    def address_lines(self) -> list[str]:
        town = ", ".join(part for part in (self.address_locality, self.address_region) if part)
        town = " ".join(part for part in (town, self.postal_code) if part)
        return [line for line in (self.street_address, town) if line]

    @property
    def postal_address(self) -> str:
        return "\n".join(self.address_lines)

    @property
    def opening_hours_rows(self) -> list[dict]:
        return [
            {"days": _day_span(block.value["days"]), "opens": block.value["opens"], "closes": block.value["closes"]}
            for block in self.opening_hours
        ]


def _day_span(days: list[str]) -> str:
    """Monday, Tuesday, Wednesday → "Monday–Wednesday"; gaps are listed: "Monday, Wednesday"."""
    order = list(Weekday.values)
    indexes = sorted(order.index(day) for day in days if day in order)
    spans = []
    for _, run in groupby(enumerate(indexes), key=lambda pair: pair[1] - pair[0]):
        names = [order[index] for _, index in run]
        spans.append(names[0] if len(names) == 1 else f"{names[0]}{'–' if len(names) > 2 else ', '}{names[-1]}")
    return ", ".join(spans)
