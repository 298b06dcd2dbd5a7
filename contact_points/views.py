"""Public registry pages and the coordinator workspace (a phone-sized site, not the Wagtail admin).

Every workspace view starts from `_point`, which finds the contact point among the ones the
signed-in user coordinates: another point's URL answers 404, as if it did not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cms import access_audit
from cms.models import AccessEventKind
from comments import extensions
from comments.selectors import staged_proposals
from contact_points import selectors, services, spreadsheet
from contact_points.forms import FileForm, ItemForm, MeetingForm, PointFilterForm, ReviewForm
from contact_points.models import ContactPoint, ItemState, Meeting, MeetingNote, OpinionBatch
from contact_points.services import ContactPointError
from drafts.models import DraftPage

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Public -----------------------------------------------------------------------------------------


def point_list(request):
    form = PointFilterForm(request.GET or None, districts=selectors.districts())
    district = kind = ""
    if form.is_valid():
        district, kind = form.cleaned_data["district"], form.cleaned_data["kind"]
    points = selectors.contact_point_list_public(district=district, kind=kind)
    stats = {s.point.pk: s for s in selectors.point_statistics(points=points)}
    page = Paginator(points, 50).get_page(request.GET.get("page"))
    rows = [(p, stats[p.pk]) for p in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "contact_points/point_list.html",
        {"form": form, "rows": rows, "page_obj": page, "query": query.urlencode()},
    )


def point_detail(request, pk: int):
    point = get_object_or_404(ContactPoint, pk=pk, is_active=True)
    return render(request, "contact_points/point_detail.html", {"point": point, **selectors.point_record(point)})


def point_poster(request, pk: int):
    """A printable A4 poster (SVG) with a QR code to the contact point's public page."""
    from urllib.parse import quote

    from django.http import HttpResponse
    from django.urls import reverse

    from cms.emails import absolute_url
    from cms.posters import Poster, poster_svg

    point = get_object_or_404(ContactPoint, pk=pk, is_active=True)
    lines = [_("基层立法联系点：%(name)s") % {"name": point.name}]
    svg = poster_svg(
        Poster(
            title=point.name,
            url=absolute_url(reverse("contact_points_public:detail", args=[point.pk])),
            call=_("扫码了解正在征求意见的法规草案"),
            lines=lines,
        )
    )
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(point.name)}.svg"
    return response


# Workspace --------------------------------------------------------------------------------------


def _point(request, pk: int) -> ContactPoint:
    """The point, for one of its coordinators; any other point answers 404, as if it did not exist."""
    point = get_object_or_404(ContactPoint, pk=pk)
    if not request.user.has_perm("contact_points.work_for_point", point):
        raise Http404
    return point


def _batch(point: ContactPoint, batch_id: int) -> OpinionBatch:
    return get_object_or_404(
        OpinionBatch.objects.select_related("draft", "version", "solicitation", "contact_point"),
        pk=batch_id,
        contact_point=point,
    )


def _error(request, exc: ContactPointError) -> None:
    for text in exc.messages[:20]:
        messages.error(request, text)
    if len(exc.messages) > 20:
        messages.error(request, _("另有 %(count)s 处错误未列出。") % {"count": len(exc.messages) - 20})


def _uploaded_file(request):
    """The uploaded file of a FileForm, or None with its errors (missing, too large) as messages."""
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        return form.cleaned_data["file"]
    for errors in form.errors.values():
        for text in errors:
            messages.error(request, text)
    return None


@login_required
def workspace(request):
    points = list(selectors.coordinator_points(request.user))
    if len(points) == 1:
        return redirect("contact_points:home", pk=points[0].pk)
    return render(request, "contact_points/workspace_choose.html", {"points": points})


@login_required
def home(request, pk: int):
    point = _point(request, pk)
    return render(
        request,
        "contact_points/workspace.html",
        {
            "point": point,
            "now": timezone.now(),
            "targets": selectors.point_solicitations(point),
            "batches": selectors.point_batches(point)[:20],
            "meetings": selectors.point_meetings(point)[:10],
            "drafts": selectors.drafts_for_point(point),
        },
    )


@login_required
def meeting_edit(request, pk: int, meeting_id: int | None = None):
    point = _point(request, pk)
    meeting = get_object_or_404(Meeting, pk=meeting_id, contact_point=point) if meeting_id else None
    instance = meeting or Meeting(contact_point=point)
    drafts = selectors.drafts_for_point(point)
    if meeting is not None:  # a meeting keeps its draft after the period closed
        drafts = DraftPage.objects.filter(Q(pk__in=drafts.values("pk")) | Q(pk=meeting.draft_id))
    initial = {"draft": request.GET.get("draft"), "held_on": timezone.localdate()} if meeting is None else None
    form = MeetingForm(request.POST or None, instance=instance, drafts=drafts, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.meeting_save(user=request.user, meeting=form.save(commit=False))
        except ContactPointError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("征询活动已保存。可以接着上传会议纪要。"))
            return redirect("contact_points:meeting", pk=point.pk, meeting_id=saved.pk)
    notes = meeting.notes.all() if meeting else []
    return render(
        request,
        "contact_points/meeting.html",
        {"point": point, "meeting": meeting, "form": form, "notes": notes, "upload_form": FileForm()},
    )


@login_required
@require_POST
def note_upload(request, pk: int, meeting_id: int):
    point = _point(request, pk)
    meeting = get_object_or_404(Meeting.objects.select_related("draft"), pk=meeting_id, contact_point=point)
    back = reverse("contact_points:meeting", args=[point.pk, meeting.pk])
    upload = _uploaded_file(request)
    if upload is None:
        return redirect(back)
    try:
        result = services.note_upload(user=request.user, meeting=meeting, name=upload.name, data=upload.read())
    except ContactPointError as exc:
        _error(request, exc)
        return redirect(back)
    if result.batch is None:
        messages.success(request, _("纪要“%(name)s”已上传。") % {"name": result.note.original_name})
        return redirect(back)
    messages.success(
        request,
        _("纪要“%(name)s”已上传，从中识别出 %(count)s 条意见：请逐条确认后再报送。")
        % {"name": result.note.original_name, "count": result.candidates},
    )
    if result.repeated:
        messages.info(
            request,
            _("另有 %(count)s 条与意见汇总中已有的意见相同，没有重复加入。") % {"count": result.repeated},
        )
    return redirect(reverse("contact_points:batch", args=[point.pk, result.batch.pk]) + "?show=candidate")


@login_required
def note_download(request, pk: int, note_id: int):
    point = _point(request, pk)
    note = get_object_or_404(MeetingNote, pk=note_id, meeting__contact_point=point)
    return note_response(request, note)


def note_response(request, note: MeetingNote) -> FileResponse:
    """The notes file as an attachment, recorded in the access audit (who read whose notes)."""
    try:
        handle = note.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    access_audit.record(kind=AccessEventKind.NOTES_DOWNLOAD, request=request, obj=note, object_repr=note.original_name)
    return FileResponse(handle, as_attachment=True, filename=note.original_name)


@login_required
@require_POST
def batch_open(request, pk: int):
    point = _point(request, pk)
    draft = get_object_or_404(selectors.drafts_for_point(point), pk=request.POST.get("draft") or 0)
    try:
        batch = services.batch_open(user=request.user, contact_point=point, draft=draft)
    except ContactPointError as exc:
        _error(request, exc)
        return redirect("contact_points:home", pk=point.pk)
    return redirect("contact_points:batch", pk=point.pk, batch_id=batch.pk)


def _article_choices(batch: OpinionBatch) -> list:
    choices = []
    for chapter, articles in selectors.article_choices(batch.version_id):
        if chapter:
            choices.append((chapter, articles))
        else:
            choices.extend(articles)
    return choices


def _item_form(request, point, batch, data=None, initial=None) -> ItemForm:
    meetings = point.meetings.filter(draft_id=batch.draft_id)
    return ItemForm(data, initial=initial, articles=_article_choices(batch), meetings=meetings)


@login_required
def batch_detail(request, pk: int, batch_id: int):
    point = _point(request, pk)
    batch = _batch(point, batch_id)
    items = selectors.batch_items(batch)
    show = request.GET.get("show", "")
    if show == ItemState.CANDIDATE:
        items = items.filter(state=ItemState.CANDIDATE)
    page = Paginator(items, 100).get_page(request.GET.get("page"))
    page.object_list = shown = list(page.object_list)
    proposals = staged_proposals([services.item_key(item.pk) for item in shown])
    for item in shown:
        item.proposal = proposals.get(services.item_key(item.pk))
    counts = {
        "all": batch.items.count(),
        "candidate": batch.items.filter(state=ItemState.CANDIDATE).count(),
    }
    return render(
        request,
        "contact_points/batch.html",
        {
            "point": point,
            "batch": batch,
            "page_obj": page,
            "counts": counts,
            "show": show,
            "item_form": _item_form(request, point, batch) if batch.is_editable else None,
            "upload_form": FileForm(),
            "deadline": batch.solicitation.deadline if batch.solicitation else batch.draft.closes_at,
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def item_add(request, pk: int, batch_id: int):
    point = _point(request, pk)
    batch = _batch(point, batch_id)
    return _item_save(request, point, batch, item=None)


@login_required
def item_edit(request, pk: int, batch_id: int, item_id: int):
    point = _point(request, pk)
    batch = _batch(point, batch_id)
    item = get_object_or_404(batch.items.select_related("article"), pk=item_id)
    if request.method == "POST":
        return _item_save(request, point, batch, item=item)
    proposal = staged_proposals([services.item_key(item.pk)]).get(services.item_key(item.pk))
    form = _item_form(
        request,
        point,
        batch,
        initial={
            "article": item.article_id,
            "body": item.body,
            "proposer_name": item.proposer_name,
            "proposer_category": item.proposer_category,
            "meeting": item.meeting_id,
            "proposal_kind": proposal.kind if proposal else "",
            "proposal_text": proposal.text if proposal else "",
        },
    )
    return render(
        request, "contact_points/item_edit.html", {"point": point, "batch": batch, "item": item, "form": form}
    )


def _item_save(request, point, batch, *, item):
    form = _item_form(request, point, batch, data=request.POST)
    if form.is_valid():
        data = form.cleaned_data
        meeting = point.meetings.filter(pk=data["meeting"]).first() if data["meeting"] else None
        try:
            services.batch_item_save(
                user=request.user,
                batch=batch,
                item=item,
                body=data["body"],
                article_id=data["article"],
                proposer_name=data["proposer_name"],
                proposer_category=data["proposer_category"],
                meeting=meeting,
                proposal_kind=data["proposal_kind"],
                proposal_text=data["proposal_text"],
            )
        except ContactPointError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("意见已保存。") if item else _("已添加一条意见。"))
            # After an edit, the item edited; after adding one, the confirmation on the screen (issue 22).
            return redirect(
                reverse("contact_points:batch", args=[point.pk, batch.pk])
                + (f"#item-{item.pk}" if item else "#messages")
            )
    template = "contact_points/item_edit.html"
    return render(request, template, {"point": point, "batch": batch, "item": item, "form": form}, status=400)


@login_required
@require_POST
def items_review(request, pk: int, batch_id: int):
    point = _point(request, pk)
    batch = _batch(point, batch_id)
    form = ReviewForm(request.POST, item_ids=list(batch.items.values_list("pk", flat=True)))
    back = reverse("contact_points:batch", args=[point.pk, batch.pk]) + "?" + request.GET.urlencode()
    if not form.is_valid():
        messages.error(request, _("请先勾选意见，再选择“确认”或“删除”。"))
        return redirect(back)
    try:
        count = services.batch_items_review(
            user=request.user, batch=batch, item_ids=form.cleaned_data["ids"], action=form.cleaned_data["action"]
        )
    except ContactPointError as exc:
        _error(request, exc)
    else:
        if form.cleaned_data["action"] == "accept":
            messages.success(request, _("已确认 %(count)s 条意见。") % {"count": count})
        else:
            messages.success(request, _("已删除 %(count)s 条意见。") % {"count": count})
    return redirect(back)


@login_required
@require_POST
def sheet_upload(request, pk: int, batch_id: int):
    point = _point(request, pk)
    batch = _batch(point, batch_id)
    back = reverse("contact_points:batch", args=[point.pk, batch.pk])
    upload = _uploaded_file(request)
    if upload is None:
        return redirect(back)
    try:
        count = services.batch_import_sheet(user=request.user, batch=batch, name=upload.name, data=upload.read())
    except ContactPointError as exc:
        messages.error(request, _("表格未导入，请修改后重新上传："))
        _error(request, exc)
    else:
        messages.success(request, _("已从表格导入 %(count)s 条意见。") % {"count": count})
    return redirect(back)


@login_required
def sheet_template(request, pk: int, batch_id: int, fmt: str):
    point = _point(request, pk)
    batch = _batch(point, batch_id)
    if fmt not in ("xlsx", "csv"):
        raise Http404
    if fmt == "csv":
        response = HttpResponse(spreadsheet.template_csv(), content_type="text/csv; charset=utf-8")
    else:
        articles = [(number, text) for number, text in selectors.article_numbers_and_text(batch.version_id)]
        response = HttpResponse(
            spreadsheet.template_xlsx(draft_title=batch.draft.title, articles=articles), content_type=XLSX
        )
    response["Content-Disposition"] = f'attachment; filename="batch-template.{fmt}"'
    return response


@login_required
@require_POST
def batch_submit(request, pk: int, batch_id: int):
    point = _point(request, pk)
    batch = _batch(point, batch_id)
    back = reverse("contact_points:batch", args=[point.pk, batch.pk])
    try:
        result = services.batch_submit(user=request.user, batch_id=batch.pk)
    except ContactPointError as exc:
        _error(request, exc)
        return redirect(back)
    if result.created == 0:
        messages.info(request, _("这份意见汇总已经报送过了，没有重复报送。"))
    elif result.batch.is_late:
        messages.warning(
            request,
            _("已报送 %(count)s 条意见。已过截止时间，已标记为逾期报送，意见照常处理。") % {"count": result.created},
        )
    else:
        messages.success(request, _("已报送 %(count)s 条意见。法工委签收后会通知您。") % {"count": result.created})
    return redirect(back)


@login_required
def feedback(request, pk: int):
    point = _point(request, pk)
    page = Paginator(selectors.point_opinions(point), 50).get_page(request.GET.get("page"))
    extensions.attach_opinion_notes([link.opinion for link in page.object_list])
    return render(request, "contact_points/feedback.html", {"point": point, "page_obj": page})


@login_required
def feedback_download(request, pk: int):
    point = _point(request, pk)
    rows = [
        {
            "draft": link.opinion.draft.title,
            "article": link.opinion.article.label if link.opinion.article else _("整体意见"),
            "body": link.opinion.body,
            "proposer": link.opinion.proposer_name,
            "disposition": link.opinion.get_disposition_display(),
            "reason": link.opinion.disposition_reason,
            "submitted_at": link.opinion.created_at,
        }
        for link in selectors.point_opinions(point).iterator(chunk_size=2000)
    ]
    data = spreadsheet.feedback_xlsx(title=_("%(name)s意见处理情况反馈表") % {"name": point.name}, rows=rows)
    access_audit.record(
        kind=AccessEventKind.EXPORT_DOWNLOAD,
        request=request,
        obj=point,
        object_repr=str(_("%(name)s意见处理情况反馈表") % {"name": point.name}),
    )
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="feedback-{point.pk}.xlsx"'
    return response
