"""Wagtail admin screens for staff: solicitations, received batches, and the yearly ranking."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView

from cms.bulk_actions import listing_buttons
from contact_points import selectors, services
from contact_points.bulk_actions import ReceiveBulkAction
from contact_points.filters import STATE_CHOICES, BatchStaffFilterSet, RankingFilterSet, SolicitationFilterSet
from contact_points.models import BatchState, ContactPoint, ContactPointKind, MeetingNote, OpinionBatch, Solicitation
from contact_points.services import ContactPointError
from contact_points.views import note_response
from drafts.models import DraftPage

TARGET_MODES = [
    ("all", gettext_lazy("全部有效联系点")),
    ("district", gettext_lazy("按区县")),
    ("kind", gettext_lazy("按类型")),
    ("picked", gettext_lazy("逐个选择")),
]


class SolicitationForm(forms.Form):
    draft = forms.ModelChoiceField(
        label=gettext_lazy("法规草案"),
        queryset=DraftPage.objects.live().filter(current_version__isnull=False).order_by("-id"),
    )
    deadline = forms.DateTimeField(
        label=gettext_lazy("反馈截止时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    note = forms.CharField(label=gettext_lazy("说明"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    mode = forms.ChoiceField(label=gettext_lazy("发给"), choices=TARGET_MODES, widget=forms.RadioSelect, initial="all")
    district = forms.ChoiceField(label=gettext_lazy("区县"), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("类型"), required=False, choices=[("", "—"), *ContactPointKind.choices])
    picked = forms.ModelMultipleChoiceField(
        label=gettext_lazy("联系点"),
        queryset=ContactPoint.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", "—"), *[(d, d) for d in selectors.districts()]]

    def clean(self):
        data = super().clean()
        mode = data.get("mode")
        active = ContactPoint.objects.filter(is_active=True)
        if mode == "all":
            points = active
        elif mode == "district":
            if not data.get("district"):
                raise forms.ValidationError(_("请选择区县。"))
            points = active.filter(district=data["district"])
        elif mode == "kind":
            if not data.get("kind"):
                raise forms.ValidationError(_("请选择联系点类型。"))
            points = active.filter(kind=data["kind"])
        else:
            points = data.get("picked") or active.none()
        data["points"] = list(points)
        if not data["points"]:
            raise forms.ValidationError(_("没有符合条件的有效联系点，请重新选择。"))
        return data


class _StaffView(WagtailAdminTemplateMixin, View):
    permission = "contact_points.view_opinionbatch"
    header_icon = "site"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def render(self, **context):
        return TemplateResponse(self.request, self.template_name, self.get_context_data(**context))


class SolicitationListView(_StaffView):
    permission = "contact_points.view_solicitation"
    template_name = "contact_points/admin/solicitations.html"
    page_title = gettext_lazy("征询任务")

    def get(self, request):
        filterset = SolicitationFilterSet(request.GET)
        page = Paginator(selectors.solicitation_list(filterset=filterset), 50).get_page(request.GET.get("p"))
        query = request.GET.copy()
        query.pop("p", None)
        return self.render(
            page_obj=page, now=timezone.now(), filter_form=filterset.form, query_string=query.urlencode()
        )


class SolicitationCreateView(_StaffView):
    permission = "contact_points.add_solicitation"
    template_name = "contact_points/admin/solicitation_form.html"
    page_title = gettext_lazy("发出征询任务")

    def get(self, request):
        return self.render(form=SolicitationForm(initial={"draft": request.GET.get("draft")}))

    def post(self, request):
        form = SolicitationForm(request.POST)
        if form.is_valid():
            try:
                solicitation = services.solicitation_send(
                    staff=request.user,
                    draft=form.cleaned_data["draft"],
                    deadline=form.cleaned_data["deadline"],
                    contact_points=form.cleaned_data["points"],
                    note=form.cleaned_data["note"],
                )
            except ContactPointError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("征询任务已发给 %(count)s 个联系点，联络员会收到邮件。")
                    % {"count": len(form.cleaned_data["points"])},
                )
                return redirect("contact_points_admin:solicitation", pk=solicitation.pk)
        return self.render(form=form)


class SolicitationDetailView(_StaffView):
    permission = "contact_points.view_solicitation"
    template_name = "contact_points/admin/solicitation.html"

    def get_page_title(self):
        return _("征询任务：%(draft)s") % {"draft": self.solicitation.draft.title}

    def get(self, request, pk: int):
        self.solicitation = get_object_or_404(Solicitation.objects.select_related("draft", "version"), pk=pk)
        targets = selectors.solicitation_targets(self.solicitation)
        now = timezone.now()
        deadline = self.solicitation.deadline
        for target in targets:
            if target.answered_at:
                target.status, target.css = (
                    (_("逾期报送"), "w-status--label") if target.answered_at > deadline else (_("已报送"), "")
                )
            elif now > deadline:
                target.status, target.css = _("逾期未报送"), "w-status--label"
            else:
                target.status, target.css = _("待报送"), ""
        answered = sum(1 for t in targets if t.answered_at)
        late = sum(1 for t in targets if not t.answered_at and now > deadline)
        return self.render(solicitation=self.solicitation, targets=targets, answered=answered, late=late)


class BatchListView(_StaffView):
    template_name = "contact_points/admin/batches.html"
    page_title = gettext_lazy("联系点意见汇总")

    def get(self, request):
        filterset = BatchStaffFilterSet(request.GET)
        page = Paginator(selectors.batch_list_staff(filterset=filterset), 50).get_page(request.GET.get("p"))
        query = request.GET.copy()
        query.pop("p", None)
        return self.render(
            page_obj=page,
            query_string=query.urlencode(),
            state=filterset.state_shown,
            states=STATE_CHOICES,
            filter_form=filterset.form,
            bulk_buttons=listing_buttons(OpinionBatch, "batches")
            if request.user.has_perm(ReceiveBulkAction.permission)
            else [],
        )


class BatchDetailView(_StaffView):
    template_name = "contact_points/admin/batch.html"

    def get_page_title(self):
        return _("意见汇总：%(point)s") % {"point": self.batch.contact_point.name}

    def get(self, request, pk: int):
        self.batch = get_object_or_404(
            OpinionBatch.objects.exclude(state=BatchState.DRAFT).select_related(
                "contact_point", "draft", "version", "solicitation", "submitted_by", "received_by"
            ),
            pk=pk,
        )
        page = Paginator(selectors.batch_opinions(self.batch), 100).get_page(request.GET.get("p"))
        meeting_ids = {link.meeting_id for link in page.object_list if link.meeting_id}
        notes = MeetingNote.objects.filter(meeting_id__in=meeting_ids).select_related("meeting")
        return self.render(batch=self.batch, page_obj=page, notes=notes)


def _point_name(row) -> str:
    return row.point.name if row.point.is_active else _("%(name)s（已撤销）") % {"name": row.point.name}


def _percent(row) -> str:
    return f"{row.adopted * 100 // row.submitted}%" if row.submitted else "—"


class StatisticsView(ReportView):
    """联系点年度统计: the ranking of contact points for a year, filtered by district and kind, with a
    spreadsheet download (Wagtail's report view)."""

    page_title = gettext_lazy("联系点年度统计")
    header_icon = "site"
    results_template_name = "contact_points/admin/statistics_results.html"
    index_url_name = "contact_points_admin:statistics"
    index_results_url_name = "contact_points_admin:statistics_results"
    filterset_class = RankingFilterSet
    paginate_by = None
    model = ContactPoint
    columns = [
        Column("rank", label=gettext_lazy("排名")),
        Column("name", label=gettext_lazy("联系点"), accessor=_point_name),
        Column("district", label=gettext_lazy("区县"), accessor="point.district"),
        Column("submitted", label=gettext_lazy("报送意见")),
        Column("adopted", label=gettext_lazy("采纳（含部分采纳）")),
        Column("rate", label=gettext_lazy("采纳率"), accessor=_percent),
        Column("drafts", label=gettext_lazy("参与草案")),
        Column("meetings", label=gettext_lazy("征询活动")),
        Column("attendance", label=gettext_lazy("参加人次")),
    ]
    list_export = [
        "rank",
        "point.name",
        "point.district",
        "submitted",
        "adopted",
        "rate",
        "drafts",
        "meetings",
        "attendance",
    ]
    export_headings = {
        "rank": gettext_lazy("排名"),
        "point.name": gettext_lazy("联系点"),
        "point.district": gettext_lazy("区县"),
        "submitted": gettext_lazy("报送意见"),
        "adopted": gettext_lazy("采纳（含部分采纳）"),
        "rate": gettext_lazy("采纳率"),
        "drafts": gettext_lazy("参与草案"),
        "meetings": gettext_lazy("征询活动"),
        "attendance": gettext_lazy("参加人次"),
    }

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("contact_points.view_opinionbatch"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def user_has_permission(self, permission):
        return self.request.user.has_perm("contact_points.view_opinionbatch")

    def get_filterset_kwargs(self):
        return super().get_filterset_kwargs() | {
            "years": selectors.statistics_years(),
            "districts": selectors.districts(),
        }

    def get_filename(self):
        year = self.filters.year_counted if self.filters else None
        return f"contact-point-ranking-{year or 'all-years'}"

    def get_filtered_queryset(self):
        points = self.filter_queryset(ContactPoint.objects.all())
        rows = selectors.point_statistics(year=self.filters.year_counted, points=points)
        for row in rows:
            row.rate = _percent(row)
        self.totals = {
            "submitted": sum(r.submitted for r in rows),
            "adopted": sum(r.adopted for r in rows),
            "meetings": sum(r.meetings for r in rows),
            "attendance": sum(r.attendance for r in rows),
        }
        return rows

    def get_context_data(self, *args, **kwargs):
        return super().get_context_data(*args, **kwargs) | {"totals": self.totals}


class NoteDownloadView(_StaffView):
    """Staff read the notes behind the batches they receive; nobody else through this URL."""

    def get(self, request, pk: int):
        return note_response(request, get_object_or_404(MeetingNote, pk=pk))
