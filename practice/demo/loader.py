"""Build the demo site from the data files beside this module (site.yaml, pages/, articles/); anything that
exists already is left alone. The one place practice imports feature apps: they never import it."""

import colorsys
import datetime
import functools
import io
from pathlib import Path

import frontmatter
import yaml
from django.conf import settings
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFilter
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from blog.importers import parse_txt
from blog.models import ArticleIndexPage, ArticlePage, DisclosureStatementPage, Person
from practice.models import HomePage, PracticeDetails, StandardPage
from practice.services import site_address_from_url
from scheduling.models.availability import AvailabilityException, BookingSettings, WeeklyHours
from scheduling.models.page import SchedulingPage

DATA_DIR = Path(__file__).resolve().parent


@functools.cache
def demo_data() -> dict:
    """site.yaml, with `pages` (in menu order) and `articles` (newest first) read from their files."""
    data = yaml.safe_load((DATA_DIR / "site.yaml").read_text(encoding="utf-8"))
    data["pages"] = [
        {"slug": slug, **yaml.safe_load((DATA_DIR / "pages" / f"{slug}.yaml").read_text(encoding="utf-8"))}
        for slug in data["pages"]
    ]
    articles = []
    for path in (DATA_DIR / "articles").glob("*.txt"):
        post = frontmatter.loads(path.read_text(encoding="utf-8"))
        articles.append({"slug": path.stem, **post.metadata, "text": post.content})
    data["articles"] = sorted(articles, key=lambda article: article["days_ago"])
    return data


def demo_content_load() -> list[str]:
    """Build the demo site. Idempotent: it creates only what is missing and lists what it created."""
    data = demo_data()
    created: list[str] = []
    with transaction.atomic():
        images = {key: _image(**spec, name=f"demo-{key}.jpg", created=created) for key, spec in data["images"].items()}
        home = _home_page(
            spec=data["home"], site_name=data["practice_details"]["practice_name"], images=images, created=created
        )
        _standard_pages(home=home, specs=data["pages"], images=images, created=created)
        _practice_details(home=home, spec=data["practice_details"], created=created)
        author = _person(home=home, spec=data["author"], created=created)
        index = _article_index(home=home, spec=data["article_index"], created=created)
        _articles(index=index, author=author, specs=data["articles"], created=created)
        disclosure = {**data["disclosure_page"], "clinician": author, "last_reviewed": timezone.localdate()}
        created.extend(
            _key_page(home=home, page_class=DisclosureStatementPage, field="disclosure_page", fields=disclosure)
        )
        created.extend(scheduling_page_load(home=home))
        _availability(home=home, data=data, created=created)
    return created


def gradient_image_bytes(*, colors: list[str], size: tuple[int, int] = (1600, 900)) -> bytes:
    """A soft, abstract gradient with a few blurred hills: made here, never downloaded."""
    width, height = size
    rgb = [tuple(int(c.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)) for c in colors]
    top, middle, bottom = rgb
    image = PILImage.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / (height - 1)
        start, end, local = (top, middle, t * 2) if t < 0.5 else (middle, bottom, (t - 0.5) * 2)
        draw.line(
            [(0, y), (width, y)], fill=tuple(round(a + (b - a) * local) for a, b in zip(start, end, strict=True))
        )
    h, lightness, s = colorsys.rgb_to_hls(*(c / 255 for c in bottom))
    image = image.convert("RGBA")
    for index, offset in enumerate((0.55, 0.68, 0.8)):
        shade = tuple(round(c * 255) for c in colorsys.hls_to_rgb(h, max(0.0, lightness - 0.08 * (index + 1)), s))
        # Each hill on its own layer whose transparent pixels share its colour,
        # so the blur softens the edge instead of darkening it.
        hill = PILImage.new("RGBA", size, (*shade, 0))
        cx = width * (0.25 + 0.3 * index)
        ImageDraw.Draw(hill).ellipse(
            [cx - width * 0.7, height * offset, cx + width * 0.7, height * (offset + 1.1)],
            fill=(*shade, 150),
        )
        image = PILImage.alpha_composite(image, hill.filter(ImageFilter.GaussianBlur(24)))
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def _image(*, title: str, description: str, colors: list[str], name: str, created: list[str]):
    image_model = get_image_model()
    image = image_model.objects.filter(title=title).first()
    if image is None:
        image = image_model(title=title, description=description)
        image.file = ImageFile(io.BytesIO(gradient_image_bytes(colors=colors)), name=name)
        image.save()
        created.append(f"image “{title}”")
    return image


def _home_page(*, spec: dict, site_name: str, images: dict, created: list[str]) -> HomePage:
    home = HomePage.objects.first()
    if home is not None:
        return home
    root = Page.get_first_root_node()
    home = HomePage(slug="home", hero_image=images["hero"], **spec)
    # Wagtail's first migration leaves a "Welcome" page at the slug we want.
    for welcome in root.get_children().exclude(content_type__model="homepage").filter(slug="home"):
        welcome.slug = f"home-{welcome.pk}"
        welcome.save(update_fields=["slug"])
    root.add_child(instance=home)
    home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        hostname, port = site_address_from_url(site_url=settings.SITE_URL)
        site = Site(hostname=hostname, port=port, is_default_site=True)
    old_root_id = site.root_page_id
    site.root_page = home
    site.site_name = site_name
    site.save()
    # The page the site showed before (Wagtail's "Welcome"): no HomePage existed, so it is never one.
    if old_root_id and (old_root := Page.objects.filter(pk=old_root_id).first()):
        old_root.delete()
    created.append("home page")
    return home


def _stream_data(*, body: list[dict], images: dict) -> list[tuple]:
    """Blocks written as `{block_type: value}`; an image block names its image by key in site.yaml."""
    data = []
    for block in body:
        ((block_type, value),) = block.items()
        if block_type == "image":
            image = images[value["image"]]
            # The admin requires alt text on image blocks; demo images reuse their description.
            value = {**value, "image": image, "alt_text": value["alt_text"] or image.description}
        data.append((block_type, value))
    return data


def _standard_pages(*, home: HomePage, specs: list[dict], images: dict, created: list[str]) -> None:
    for spec in specs:
        if home.get_children().filter(slug=spec["slug"]).exists():
            continue
        page = StandardPage(**{**spec, "body": _stream_data(body=spec["body"], images=images)})
        home.add_child(instance=page)
        page.save_revision().publish()
        created.append(f"page “{spec['title']}”")


def _practice_details(*, home: HomePage, spec: dict, created: list[str]) -> None:
    details = PracticeDetails.for_site(home.get_site())
    if details.phone:
        return  # Filled in already: the clinician's edits win.
    for field, value in spec.items():
        setattr(details, field, value)
    pages = {page.slug: page for page in home.get_children().filter(slug__in=["privacy-policy", "accessibility"])}
    details.privacy_page = pages.get("privacy-policy")
    details.accessibility_page = pages.get("accessibility")
    details.full_clean()
    details.save()
    created.append("practice details")


def _person(*, home: HomePage, spec: dict, created: list[str]) -> Person:
    person = Person.objects.filter(name=spec["name"]).first()
    if person is None:
        about = Page.objects.child_of(home).filter(slug="about").first()
        person = Person.objects.create(**spec, profile_page=about)
        created.append(f"person “{spec['name']}”")
    return person


def _key_page(*, home: HomePage, page_class: type[Page], field: str, fields: dict) -> list[str]:
    """A one-off page (made if missing), and Practice details' `field` pointing at it if nothing is chosen yet."""
    created = []
    page = page_class.objects.first()
    if page is None:
        page = page_class(**fields)
        home.add_child(instance=page)
        page.save_revision().publish()
        created.append(f"page “{page.title}”")
    details = PracticeDetails.for_site(home.get_site())
    if getattr(details, f"{field}_id") is None:
        setattr(details, field, page)
        details.save(update_fields=[field])
        created.append(f"{field.replace('_', ' ')} in practice details")
    return created


def _article_index(*, home: HomePage, spec: dict, created: list[str]) -> ArticleIndexPage:
    index = ArticleIndexPage.objects.first()
    if index is not None:
        return index
    index = ArticleIndexPage(slug="articles", show_in_menus=True, **spec)
    home.add_child(instance=index)
    index.save_revision().publish()
    created.append("article index page")
    return index


def _articles(*, index: ArticleIndexPage, author: Person, specs: list[dict], created: list[str]) -> None:
    """Published, dated some days back, and never emailed to subscribers."""
    today = timezone.localdate()
    for spec in specs:
        if ArticlePage.objects.child_of(index).filter(slug=spec["slug"]).exists():
            continue
        parsed = parse_txt(spec["text"])
        body = list(parsed.body)
        image = _image(**spec["image"], name=f"article-{spec['slug']}.jpg", created=created)
        if spec.get("quote"):
            body.insert(min(3, len(body)), {"type": "quote", "value": {"quote": spec["quote"], "attribution": ""}})
        if spec.get("callout"):
            body.insert(min(6, len(body)), {"type": "callout", "value": {"title": "Note", "text": spec["callout"]}})
        day = today - datetime.timedelta(days=spec["days_ago"])
        reviewed = spec.get("reviewed_days_ago")
        page = ArticlePage(
            title=parsed.title,
            slug=spec["slug"],
            summary=spec.get("summary") or parsed.summary,
            author=author,
            display_date=day,
            first_published_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(9))),
            last_reviewed=today - datetime.timedelta(days=reviewed) if reviewed is not None else None,
            hero_image=image,
            body=body,
            notify_subscribers=False,
        )
        index.add_child(instance=page)
        page.tags.add(*spec["tags"])
        page.save_revision().publish()
        created.append(f"article “{parsed.title}”")


def _availability(*, home: HomePage, data: dict, created: list[str]) -> None:
    """Booking rules, weekly hours and exceptions, each only while the practice has none of its own."""
    if not WeeklyHours.objects.exists():
        rules = BookingSettings.for_site(home.get_site())
        for field, value in data["booking_rules"].items():
            setattr(rules, field, value)
        rules.save()
        for spec in data["weekly_hours"]:
            hours = WeeklyHours(**spec)
            hours.full_clean()
            hours.save()
        created.append(f"{len(data['weekly_hours'])} weekly hours")
    if not AvailabilityException.objects.exists():
        today = timezone.localdate()
        for spec in data["availability_exceptions"]:
            spec = dict(spec)
            first = today + datetime.timedelta(days=spec.pop("in_days"))
            last = first + datetime.timedelta(days=spec.pop("days") - 1)
            exception = AvailabilityException(**spec, starts_on=first, ends_on=last)
            exception.full_clean()
            exception.save()
        created.append(f"{len(data['availability_exceptions'])} availability exceptions")


def scheduling_page_load(*, home: HomePage) -> list[str]:
    """The scheduling page, and the practice details' booking page when the clinician has not chosen one."""
    return _key_page(home=home, page_class=SchedulingPage, field="booking_page", fields=demo_data()["scheduling_page"])
