"""Open data downloads (/api/v1/open-data/…) and their data dictionary page.

Downloads are streamed (a draft of a million opinions is written in flat memory) and limited per
address, since each one reads a whole draft: over the limit the answer is 429 with Retry-After.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from api import opendata
from api.views import _closed_draft
from cms.throttle import Throttle, client_ip
from drafts.selectors import draft_list_published

#: Downloads one address may start in DOWNLOAD_WINDOW seconds.
DOWNLOADS_PER_WINDOW = 30
DOWNLOAD_WINDOW = 600


class OpenDataDownloadView(APIView):
    authentication_classes: list = []
    permission_classes: list = []
    file_name = ""

    def perform_content_negotiation(self, request, force=False):
        """The file is streamed whatever the Accept header says; errors are always JSON."""
        return JSONRenderer(), JSONRenderer.media_type

    @extend_schema(
        summary="开放数据下载 · Open data download",
        description="征求意见结束后的草案的开放数据（逐步输出）。字段说明见 /api/v1/open-data/。"
        "Open data of a closed draft, streamed; the data dictionary is at /api/v1/open-data/.",
        responses={
            (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
        },
    )
    def get(self, request, draft_id: int):
        draft = _closed_draft(draft_id)
        throttle = Throttle("api-open-data", limit=DOWNLOADS_PER_WINDOW, window_seconds=DOWNLOAD_WINDOW)
        if throttle.hit(client_ip(request, trusted_proxies=settings.TRUSTED_PROXY_COUNT)) > DOWNLOADS_PER_WINDOW:
            raise exceptions.Throttled(wait=DOWNLOAD_WINDOW)
        content_type = opendata.FILES[self.file_name][0]
        dataset = opendata.Dataset(draft)
        body = opendata.chunks(
            self.file_name,
            dataset,
            page_url=request.build_absolute_uri(draft.url or "/"),
            dictionary_url=request.build_absolute_uri(reverse("api:open_data")),
        )
        response = StreamingHttpResponse(body, content_type=f"{content_type}; charset=utf-8")
        download = f"draft-{draft.pk}-{self.file_name.replace('/', '-')}"
        response["Content-Disposition"] = f'attachment; filename="{download}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


def download_view(name: str):
    return OpenDataDownloadView.as_view(file_name=name)


def url_name(name: str) -> str:
    """The URL name of a file's download: "polis/comments.csv" → "open_data_polis_comments_csv"."""
    return "open_data_" + name.replace("/", "_").replace(".", "_")


@require_GET
def data_dictionary(request):
    """The data dictionary: every file and column, the licence, and the closed drafts to download."""
    now = timezone.now()
    closed = draft_list_published().filter(opens_at__lte=now, closes_at__lte=now)
    page = Paginator(closed, 50).get_page(request.GET.get("page"))
    drafts = [
        (draft, [(name, reverse(f"api:{url_name(name)}", args=[draft.pk])) for name in opendata.FILES])
        for draft in page.object_list
    ]
    files = [
        {"name": name, "description": description, "columns": columns or []}
        for name, (_type, description, columns) in opendata.FILES.items()
    ]
    return render(
        request,
        "api/open_data.html",
        {
            "page_obj": page,
            "drafts": drafts,
            "files": files,
            "licence": opendata.LICENCE,
            "format": opendata.FORMAT,
            "title": _("开放数据"),
            "limit": DOWNLOADS_PER_WINDOW,
            "window_minutes": DOWNLOAD_WINDOW // 60,
        },
    )
