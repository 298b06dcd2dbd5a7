"""Staff search in the admin: every draft, article and opinion, with the same facets as the public page."""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from search import selectors
from search.backends.base import FACETS
from search.text import MAX_QUERY_CHARS
from search.views import _facet_links, has_next


class StaffSearchView(WagtailAdminTemplateMixin, View):
    template_name = "search/admin/search.html"
    page_title = gettext_lazy("检索意见")
    header_icon = "search"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("comments.view_opinion"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get(self, request):
        query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_CHARS]
        page = int(request.GET["p"]) if request.GET.get("p", "").isdigit() else 1
        filters = {name: request.GET[name] for name in FACETS if request.GET.get(name)}
        result = selectors.search(text=query, user=request.user, filters=filters, page=page) if query else None
        params = request.GET.copy()
        params.pop("p", None)
        context = self.get_context_data(
            query=query,
            result=result,
            facets=_facet_links(request, result) if result else [],
            page=page,
            has_next=has_next(result, page),
            base_query=params.urlencode(),
        )
        return TemplateResponse(request, self.template_name, context)
