"""The public search page (also "search in this draft"), and the jump from 第十二条 to the article."""

from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from drafts.models import DraftPage, Provision, ProvisionKind
from search import selectors
from search.backends.base import FACETS
from search.jump import article_number
from search.text import MAX_QUERY_CHARS

FACET_LABELS = {
    "draft": _("法规草案"),
    "chapter": _("章"),
    "channel": _("来源渠道"),
    "disposition": _("处理情况"),
    "contact_point": _("联系点"),
    "year": _("年份"),
}


def search(request):
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_CHARS]
    draft = None
    raw_draft = request.GET.get("draft", "")
    if raw_draft.isdigit():
        draft = DraftPage.objects.live().filter(pk=int(raw_draft)).first()
    number = article_number(query) if draft else None
    if number:
        exists = Provision.objects.filter(
            version_id=draft.current_version_id, kind=ProvisionKind.ARTICLE, number=number
        ).exists()
        if exists:
            return redirect(f"{draft.url}articles/{number}/")
    filters = {name: request.GET.get(name, "") for name in FACETS if request.GET.get(name)}
    page = int(request.GET["page"]) if request.GET.get("page", "").isdigit() else 1
    all_versions = request.GET.get("versions") == "all"
    result = None
    if query:
        result = selectors.search(
            text=query,
            user=request.user,
            draft_id=draft.pk if draft else None,
            filters=filters,
            page=page,
            include_superseded=all_versions,
        )
    context = {
        "query": query,
        "draft": draft,
        "result": result,
        "filters": filters,
        "facets": _facet_links(request, result) if result else [],
        "page": page,
        "has_next": has_next(result, page),
        "too_short": bool(query) and result is not None and not result.total and len(query) == 1,
    }
    params = request.GET.copy()
    params.pop("page", None)
    context["base_query"] = params.urlencode()
    # Each article once, as its draft's current version reads; earlier versions one link away.
    params.pop("versions", None)
    if not all_versions:
        params["versions"] = "all"
    context["all_versions"] = all_versions
    context["versions_url"] = "?" + params.urlencode()
    return render(request, "search/search.html", context)


def has_next(result, page: int) -> bool:
    """Whether a page follows `page` (20 results a page) within what paging can reach."""
    return bool(result and page * 20 < min(result.total, result.window))


def _facet_links(request, result) -> list[dict]:
    """Each facet with, per value, the address that chooses it (or, for the chosen one, clears it)."""
    groups = []
    for name in FACETS:
        values = result.facets.get(name)
        if not values:
            continue
        chosen = request.GET.get(name, "")
        links = []
        for value in values:
            params = request.GET.copy()
            params.pop("page", None)
            if value.value == chosen:
                params.pop(name, None)
            else:
                params[name] = value.value
            links.append({"value": value, "url": "?" + params.urlencode(), "chosen": value.value == chosen})
        groups.append({"name": name, "label": FACET_LABELS[name], "links": links})
    return groups


def draft_search_block(request, draft, version) -> dict:
    """The draft page's "search in this draft" box (a draft-page extension)."""
    return {"template": "search/_draft_search.html", "search_draft": draft}
