from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.shortcuts import render
from wagtail.models import Page

MAX_QUERY_LENGTH = 200


def search(request):
    """Search published pages (drafts and their text) with Wagtail's search backend.

    The Chinese-aware search of drafts and opinions replaces this once the search issue lands.
    """
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
    results = Page.objects.live().public().search(query) if query else Page.objects.none()
    paginator = Paginator(results, 10)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(max(paginator.num_pages, 1))
    return render(request, "search/search.html", {"query": query, "results": page})
