"""Services of the practice app: the Wagtail Site's address, demo content, the local admin."""

import colorsys
import io
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.images import ImageFile
from django.db import connections, transaction
from django.db.utils import DatabaseError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFilter
from wagtail import hooks
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.images import get_image_model
from wagtail.models import Page, Site
from wagtail.snippets.models import get_snippet_models

from practice import demo_content
from practice.models import HomePage, PracticeDetails, StandardPage
from practice.page_cache import page_cache_clear

DEFAULT_PORTS = {"http": 80, "https": 443}


def site_address_from_url(*, site_url: str) -> tuple[str, int]:
    """Split SITE_URL into the hostname and port Wagtail's Site stores.

    Wagtail derives the scheme from the port (443 means https), so an https URL
    on a non-standard port cannot be represented; refuse it rather than emit
    wrong links.
    """
    parts = urlsplit(site_url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"SITE_URL must look like https://example.org, not {site_url!r}")
    port = parts.port or DEFAULT_PORTS[parts.scheme]
    if parts.scheme == "https" and port != 443:
        raise ValueError("SITE_URL with https must use the default port 443.")
    return parts.hostname, port


def site_sync_with_site_url(*, using: str = "default") -> Site | None:
    """Point the default Wagtail Site at SITE_URL's hostname and port."""
    hostname, port = site_address_from_url(site_url=settings.SITE_URL)
    try:
        site = Site.objects.using(using).filter(is_default_site=True).first()
    except DatabaseError:
        # post_migrate can fire for a partial migration plan, before the table exists.
        return None
    if site is not None and (site.hostname, site.port) != (hostname, port):
        site.hostname, site.port = hostname, port
        site.save(using=using, update_fields=["hostname", "port"])
    return site


@dataclass(frozen=True)
class DemoContentResult:
    created: list[str]

    @property
    def changed(self) -> bool:
        return bool(self.created)


def _gradient_image_bytes(*, colors: list[str], size: tuple[int, int] = (1600, 900)) -> bytes:
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


def _demo_images(*, created: list[str]) -> dict:
    image_model = get_image_model()
    images = {}
    for key, spec in demo_content.IMAGES.items():
        image = image_model.objects.filter(title=spec["title"]).first()
        if image is None:
            content = _gradient_image_bytes(colors=spec["colors"])
            image = image_model(title=spec["title"], description=spec["description"])
            image.file = ImageFile(io.BytesIO(content), name=f"demo-{key}.jpg")
            image.save()
            created.append(f"image “{spec['title']}”")
        images[key] = image
    return images


def _stream_data(*, body: list, images: dict) -> list:
    data = []
    for block_type, value in body:
        if block_type == "image":
            image = images[value["image"]]
            # The admin requires alt text on image blocks; demo images reuse their description.
            value = {**value, "image": image, "alt_text": value["alt_text"] or image.description}
        data.append((block_type, value))
    return data


def _home_page(*, images: dict, created: list[str]) -> HomePage:
    home = HomePage.objects.first()
    if home is not None:
        return home
    root = Page.get_first_root_node()
    spec = demo_content.HOME
    home = HomePage(
        title=spec["title"],
        slug="home",
        seo_title=spec["seo_title"],
        search_description=spec["search_description"],
        hero_heading=spec["hero_heading"],
        hero_lead=spec["hero_lead"],
        hero_image=images["hero"],
        intro=spec["intro"],
        cta_heading=spec["cta_heading"],
        cta_text=spec["cta_text"],
    )
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
    site.site_name = demo_content.PRACTICE_DETAILS["practice_name"]
    site.save()
    if old_root_id and old_root_id != home.pk:
        old_root = Page.objects.filter(pk=old_root_id).first()
        if old_root is not None and old_root.specific_class != HomePage:
            old_root.delete()
    created.append("home page")
    return home


def _standard_pages(*, home: HomePage, images: dict, created: list[str]) -> None:
    for spec in demo_content.PAGES:
        if home.get_children().filter(slug=spec["slug"]).exists():
            continue
        page = StandardPage(
            title=spec["title"],
            slug=spec["slug"],
            intro=spec["intro"],
            search_description=spec["search_description"],
            show_in_menus=spec["show_in_menus"],
            body=_stream_data(body=spec["body"], images=images),
        )
        home.add_child(instance=page)
        page.save_revision().publish()
        created.append(f"page “{spec['title']}”")


def _practice_details(*, home: HomePage, created: list[str]) -> None:
    site = home.get_site()
    details = PracticeDetails.for_site(site)
    if details.phone:
        return  # Filled in already: the clinician's edits win.
    for field, value in demo_content.PRACTICE_DETAILS.items():
        setattr(details, field, value)
    pages = {page.slug: page for page in home.get_children().filter(slug__in=["privacy-policy", "accessibility"])}
    details.privacy_page = pages.get("privacy-policy")
    details.accessibility_page = pages.get("accessibility")
    details.full_clean()
    details.save()
    created.append("practice details")


DEMO_CONTENT_HOOK = "load_demo_content"


def demo_content_load() -> DemoContentResult:
    """Build the demo site. Idempotent: anything that exists already is left alone.

    Feature apps add their own demo content without practice importing them:
    each registers a `load_demo_content` Wagtail hook, called as
    `fn(home=home_page)` after the practice's pages exist, which creates only
    what is missing and returns a list of what it created (strings).
    """
    created: list[str] = []
    with transaction.atomic():
        images = _demo_images(created=created)
        home = _home_page(images=images, created=created)
        _standard_pages(home=home, images=images, created=created)
        _practice_details(home=home, created=created)
        for hook in hooks.get_hooks(DEMO_CONTENT_HOOK):
            created.extend(hook(home=home))
    return DemoContentResult(created=created)


def site_has_content() -> bool:
    return HomePage.objects.exists()


@dataclass(frozen=True)
class LocalAdmin:
    username: str
    password: str


def local_admin_create(*, username: str = "admin") -> LocalAdmin | None:
    """Create a superuser with a random password when no user exists yet."""
    user_model = get_user_model()
    if user_model.objects.exists():
        return None
    password = secrets.token_urlsafe(12)
    user_model.objects.create_superuser(username=username, email="", password=password)
    return LocalAdmin(username=username, password=password)


@dataclass(frozen=True)
class Readiness:
    status: str  # "ok", "degraded" or "unavailable"
    checks: dict[str, str]
    oldest_waiting_task_seconds: int | None


TASK_BACKLOG_DEGRADED_SECONDS = 300


def readiness_check() -> Readiness:
    """Can this process serve traffic, and is the work around it flowing?

    Without the database nothing works ("unavailable"). Without the cache, pages
    are served uncached and rate limits fail open ("degraded"). A task waiting
    for minutes means no worker is running: search indexing, purges and emails
    stall ("degraded").
    """
    checks = {}
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError:
        checks["database"] = "unavailable"
        return Readiness(status="unavailable", checks=checks, oldest_waiting_task_seconds=None)

    try:
        probe = f"readyz:{secrets.token_hex(8)}"
        cache.set(probe, "1", timeout=5)
        checks["cache"] = "ok" if cache.get(probe) == "1" else "degraded"
        cache.delete(probe)
    except Exception:  # noqa: BLE001 - any cache client error means the cache is down
        checks["cache"] = "degraded"

    oldest = DBTaskResult.objects.ready().order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    waiting = max(0, int((timezone.now() - oldest).total_seconds())) if oldest else None
    checks["tasks"] = "degraded" if waiting is not None and waiting > TASK_BACKLOG_DEGRADED_SECONDS else "ok"

    status = "ok" if all(value == "ok" for value in checks.values()) else "degraded"
    return Readiness(status=status, checks=checks, oldest_waiting_task_seconds=waiting)


def model_change_affects_pages(*, instance, deleted: bool) -> bool:
    """Whether saving or deleting this object can change what public pages show.

    Site settings (Practice details appear on every page), snippets (people,
    shown on articles) and deleted pages. A page *saved* is a draft or a
    revision bookkeeping update: only publishing, unpublishing and moving
    change the live site, and they have signals of their own.
    """
    if isinstance(instance, Page):
        return deleted
    return isinstance(instance, BaseSiteSetting) or type(instance) in get_snippet_models()


def site_caches_clear() -> None:
    """Forget every cached page here and, when a CDN is configured, purge the whole site there too."""
    page_cache_clear()
    if getattr(settings, "WAGTAILFRONTENDCACHE", None):
        batch = PurgeBatch()
        batch.add_pages(Page.objects.live().public().specific())
        batch.add_url(f"{settings.SITE_URL}/sitemap.xml")
        batch.purge()
