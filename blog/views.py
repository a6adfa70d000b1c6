"""Site search: articles and standard pages, through Wagtail's search backend."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET
from wagtail.models import Page

from blog.models import ArticlePage
from practice.models import StandardPage

RESULTS_PER_PAGE = 10
QUERY_MAX_LENGTH = 200


def _clean_query(raw: str) -> str:
    # NUL bytes and control characters are never part of a real search. Double quotes go too: the SQLite
    # full-text backend wraps each word in quotes without escaping them, so one quote was a syntax error (500).
    cleaned = "".join(ch for ch in raw if (ch.isprintable() or ch == " ") and ch != '"')
    return " ".join(cleaned.split())[:QUERY_MAX_LENGTH]


def _snippet(page) -> str:
    return getattr(page, "summary", "") or page.search_description or getattr(page, "intro", "")


@require_GET
def search(request):
    query = _clean_query(request.GET.get("q", ""))
    results_page = paginator = page_range = None
    hits = []
    if query:
        pages = Page.objects.live().public().type(ArticlePage, StandardPage).specific().search(query)
        paginator = Paginator(pages, RESULTS_PER_PAGE)
        # Not a number: the first page; past the end: the last.
        results_page = paginator.get_page(request.GET.get("page"))
        page_range = paginator.get_elided_page_range(results_page.number, on_each_side=1, on_ends=1)
        hits = [{"page": page, "snippet": _snippet(page)} for page in results_page]
    return render(
        request,
        "blog/search.html",
        {"query": query, "results": results_page, "hits": hits, "paginator": paginator, "page_range": page_range},
    )
