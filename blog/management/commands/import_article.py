"""Import articles from the old site (.txt pasted from a web page, .md, or exported .html) as ArticlePages."""

import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from blog import services
from blog.importers import ArticleImportError, outline, parse_file
from blog.models import ArticleIndexPage, Person


class Command(BaseCommand):
    help = "Turn existing articles (.txt, .md, .html) into article pages, as drafts unless --publish."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--parent", default="", help="Slug of the article index page (default: the only one).")
        parser.add_argument("--author", default="", help="The author's name, as in People (created if missing).")
        parser.add_argument("--tags", default="", help="Comma-separated tags to add, e.g. grief,loss")
        parser.add_argument("--date", default="", help="Original publication date, YYYY-MM-DD.")
        parser.add_argument("--old-url", default="", help="The article's address on the old site: redirects here.")
        parser.add_argument("--publish", action="store_true", help="Publish now instead of saving a draft.")
        parser.add_argument("--update", action="store_true", help="Revise the article with the same slug.")
        parser.add_argument("--dry-run", action="store_true", help="Print the block outline; change nothing.")
        parser.add_argument("--notify", action="store_true", help="Let the newsletter email subscribers.")

    def handle(self, *args, **options):
        date = None
        if options["date"]:
            try:
                date = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"--date must look like 2023-04-05, not {options['date']!r}.") from None
        if options["old_url"] and len(options["paths"]) > 1:
            raise CommandError("--old-url names one article: import one file at a time with it.")
        try:
            articles = [(path, parse_file(Path(path))) for path in options["paths"]]
        except ArticleImportError as error:
            raise CommandError(str(error)) from None

        tags = [tag.strip() for tag in options["tags"].split(",") if tag.strip()]
        if options["dry_run"]:
            for path, article in articles:
                self.stdout.write(f"{path}: “{article.title}”")
                self.stdout.write(f"  date: {date or article.date or 'first publication'}")
                self.stdout.write(f"  tags: {', '.join([*article.tags, *tags]) or '-'}")
                self.stdout.write(f"  summary: {article.summary}")
                for line in outline(article):
                    self.stdout.write(f"  - {line}")
                self._images_left_out(article)
            return

        parent = self._parent(options["parent"])
        author = self._author(options["author"])
        for _path, article in articles:
            try:
                result = services.article_import(
                    article=article,
                    parent=parent,
                    author=author,
                    tags=tags,
                    date=date,
                    old_url=options["old_url"],
                    publish=options["publish"],
                    update=options["update"],
                    notify=options["notify"],
                )
            except ArticleImportError as error:
                raise CommandError(str(error)) from None
            page = result.page
            verb = "Created" if result.created else "Updated"
            state = "published" if page.live else "draft"
            edit_url = settings.WAGTAILADMIN_BASE_URL + reverse("wagtailadmin_pages:edit", args=[page.pk])
            self.stdout.write(self.style.SUCCESS(f"{verb} “{page.title}” ({state}): {page.full_url}"))
            self.stdout.write(f"  Edit: {edit_url}")
            if result.redirect is not None:
                self.stdout.write(f"  Redirect: {result.redirect.old_path} → {page.url}")
            self._images_left_out(article)

    def _images_left_out(self, article) -> None:
        if not article.images_left_out:
            return
        count = len(article.images_left_out)
        self.stdout.write(
            self.style.WARNING(
                f"  {count} image{'s' if count != 1 else ''} left out (nothing is fetched from the old site): "
                "upload the ones to keep under Images and add them with an Image block."
            )
        )
        for address in article.images_left_out:
            self.stdout.write(f"    {address}")

    def _parent(self, slug: str) -> ArticleIndexPage:
        indexes = ArticleIndexPage.objects.all()
        if slug:
            indexes = indexes.filter(slug=slug)
        index = indexes.first()
        if index is None:
            raise CommandError(f"No article index page{f' with the slug {slug!r}' if slug else ''}: create it first.")
        return index

    def _author(self, name: str) -> Person | None:
        name = name.strip()
        if not name:
            return Person.objects.first() if Person.objects.count() == 1 else None
        return services.person_get_or_create(name=name)
