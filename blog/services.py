"""Services of the blog app: publishing dates, importing old articles."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.contrib.redirects.models import Redirect

from blog.importers import ArticleImportError, ParsedArticle
from blog.models import ArticleIndexPage, ArticlePage, Person
from newsletter import services as newsletter_services
from newsletter.models import Mailing


def article_display_date_fill(*, page: ArticlePage) -> None:
    """Give a just-published article without a date its first publication day (in the site's time zone)."""
    if page.display_date is not None or page.first_published_at is None:
        return
    day = timezone.localdate(page.first_published_at)
    ArticlePage.objects.filter(pk=page.pk, display_date__isnull=True).update(display_date=day)
    page.display_date = day


def article_announce(*, page: ArticlePage, revision) -> Mailing | None:
    """Email subscribers about an article the first time it goes live, if the editor asked for it. The newsletter's
    unique mailing per page makes a repeat (a retry, a race) send nothing."""
    # Wagtail 8.0.1 sends `page_published` also when a never-published draft is merely scheduled (not live then;
    # wagtail issue #13959), and on every re-publish: only the first publication of the live revision counts.
    first_go_live = (
        page.live
        and revision is not None
        and page.live_revision_id == revision.pk
        and page.first_published_at is not None
        and page.first_published_at == page.last_published_at
    )
    if not page.notify_subscribers or not first_go_live:
        return None
    return newsletter_services.mailing_create_for_page(
        page=page,
        subject=page.title,
        summary=page.summary,
        url=page.full_url,
        image_url=page.share_image_url(),
    )


# Importing


@dataclass(frozen=True)
class ImportResult:
    page: ArticlePage
    created: bool
    redirect: Redirect | None


def article_import(
    *,
    article: ParsedArticle,
    parent: ArticleIndexPage,
    author: Person | None = None,
    tags: list[str] | None = None,
    date: datetime.date | None = None,
    old_url: str = "",
    publish: bool = False,
    update: bool = False,
    notify: bool = False,
) -> ImportResult:
    """Create (or with update=True, revise) the ArticlePage for an imported article. The original date is kept for
    display, feeds and sitemap; an old URL becomes a permanent redirect. No email to subscribers unless notify."""
    slug = slugify(article.title)[:255] or "article"
    date = date or article.date
    with transaction.atomic():
        page = ArticlePage.objects.child_of(parent).filter(slug=slug).first()
        if page is not None and not update:
            raise ArticleImportError(f"an article with the slug “{slug}” exists already; use --update to revise it.")
        created = page is None
        page = ArticlePage(slug=slug, live=False) if created else page.get_latest_revision_as_object()
        page.title = article.title
        page.summary = article.summary or article.title
        page.body = article.body
        page.notify_subscribers = notify
        if author is not None:
            page.author = author
        if date is not None:
            page.display_date = date
        if created:
            if date is not None:
                # Keeps Wagtail's own "first published" in step with the original date.
                page.first_published_at = timezone.make_aware(datetime.datetime.combine(date, datetime.time(9)))
            parent.add_child(instance=page)
        tag_names = [*article.tags, *(tags or [])]
        if tag_names:
            page.tags.add(*dict.fromkeys(name.strip().lower() for name in tag_names if name.strip()))
        revision = page.save_revision()
        if publish:
            revision.publish()
        redirect = None
        if old_url:
            redirect, _ = Redirect.objects.update_or_create(
                old_path=Redirect.normalise_path(old_url),  # Only the path and query count: the old host is gone.
                site=page.get_site(),
                defaults={"redirect_page": page, "redirect_link": "", "is_permanent": True},
            )
    return ImportResult(page=page, created=created, redirect=redirect)


def person_get_or_create(*, name: str) -> Person:
    """The author with this name (any case), created when the site does not know them yet."""
    name = " ".join(name.split())[:120]
    person = Person.objects.filter(name__iexact=name).first()
    return person or Person.objects.create(name=name)
