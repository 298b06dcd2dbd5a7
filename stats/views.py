"""Public statistics pages: a closed draft's figures and a year's, and the year's report as Word."""

import io
from urllib.parse import quote

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from drafts.models import DraftPage, DraftStatus
from stats import dashboards, selectors
from stats.report import annual_report

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FIRST_YEAR = 2000


def _year(year: int) -> int:
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404
    return year


@require_GET
def index(request):
    closed = [
        d
        for d in DraftPage.objects.live().exclude(closes_at=None).order_by("-closes_at")
        if d.status() == DraftStatus.CLOSED
    ]
    this_year = timezone.localdate().year
    years = sorted(
        {d.opens_at.year for d in DraftPage.objects.live().exclude(opens_at=None)} | {this_year}, reverse=True
    )
    return render(request, "stats/index.html", {"drafts": closed, "years": years})


@require_GET
def draft(request, draft_id: int):
    page = get_object_or_404(DraftPage.objects.live(), pk=draft_id)
    if page.status() != DraftStatus.CLOSED:
        raise Http404
    context = dashboards.draft_dashboard(
        page, selectors.draft_tally(page.pk), article_href=lambda n: f"{page.url}articles/{n}/"
    )
    return render(request, "stats/draft.html", {"draft": page, **context})


@require_GET
def year(request, year: int):
    context = dashboards.year_dashboard(selectors.year_tally(_year(year)))
    return render(request, "stats/year.html", context)


def report_response(year: int) -> HttpResponse:
    figures = dashboards.year_figures(selectors.year_tally(_year(year)))
    out = io.BytesIO()
    annual_report(out, figures)
    response = HttpResponse(out.getvalue(), content_type=DOCX)
    name = f"{year}年立法征求意见工作报告.docx"
    response["Content-Disposition"] = f"attachment; filename=\"report-{year}.docx\"; filename*=UTF-8''{quote(name)}"
    return response


@require_GET
def year_report(request, year: int):
    return report_response(year)


def draft_block_context(request, draft, version) -> dict:
    """The draft page's link to its statistics, once the period has closed (a draft-page extension)."""
    closed = draft.status() == DraftStatus.CLOSED
    return {
        "template": "stats/_draft_link.html",
        "stats_url": reverse("stats:draft", args=[draft.pk]) if closed else "",
    }
