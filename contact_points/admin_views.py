"""Wagtail admin screens for staff: solicitations and received batches (Wagtail viewsets: a filtered list, a
page per object, 发出征询任务 and 签收所选 calling the services), the yearly ranking (a report), and reading a
meeting's notes."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView

from cms.viewsets import StaffViewSet
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
    """The screens that stay hand-made (reading a meeting's notes): they are not lists or pages of one model."""

    permission = "contact_points.view_opinionbatch"
    header_icon = "site"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# Columns of the lists ---------------------------------------------------------------------------


class WhenColumn(Column):
    """A time as staff read it (2026-05-01 14:30), flagged (逾期) when `flag(instance)` says so."""

    cell_template_name = "contact_points/admin/cells/when.html"

    def __init__(self, name, *, flag=None, flag_label="", date_format="Y-m-d H:i", **kwargs):
        super().__init__(name, **kwargs)
        self.flag, self.flag_label, self.date_format = flag, flag_label, date_format

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        return context | {"flagged": bool(self.flag and self.flag(instance))}


class BatchCheckboxColumn(BulkActionsCheckboxColumn):
    cell_template_name = "contact_points/admin/cells/batch_checkbox.html"


class BatchStateColumn(Column):
    """The state, and for a received batch when and by whom."""

    cell_template_name = "contact_points/admin/cells/batch_state.html"


def _has_late_points(solicitation) -> bool:
    return solicitation.deadline < timezone.now() and solicitation.answered_count < solicitation.target_count


# 征询任务: list, send, one solicitation ------------------------------------------------------------


class SolicitationIndexView(generic.IndexView):
    page_title = gettext_lazy("征询任务")
    add_item_label = gettext_lazy("发出征询任务")

    def get_queryset(self):
        return selectors.solicitation_list(filterset=self.filters)

    @cached_property
    def columns(self):
        return [
            TitleColumn("draft", label=gettext_lazy("法规草案"), accessor="draft.title", get_url=self.get_inspect_url),
            Column("version", label=gettext_lazy("版本"), accessor="version.get_stage_display"),
            WhenColumn("created_at", label=gettext_lazy("发出时间")),
            WhenColumn("deadline", label=gettext_lazy("截止时间"), flag=_has_late_points, flag_label=_("有联系点逾期")),
            Column(
                "answered",
                label=gettext_lazy("已报送 / 征询联系点"),
                accessor=lambda s: f"{s.answered_count} / {s.target_count}",
            ),
        ]


class SolicitationCreateView(generic.CreateView):
    """发出征询任务: the form picks the points (all, a district, a kind, or one by one);
    contact_points.services.solicitation_send sends the task and the e-mails."""

    page_title = gettext_lazy("发出征询任务")
    inspect_url_name = None
    error_message = gettext_lazy("征询任务没有发出，请按提示修改。")
    submit_button_label = gettext_lazy("发出")
    submit_button_active_label = gettext_lazy("发出")

    def get_form_class(self):
        return SolicitationForm

    def get_form_kwargs(self):
        kwargs = {"initial": {"draft": self.request.GET.get("draft")}, "prefix": None}
        if self.request.method == "POST":
            kwargs |= {"data": self.request.POST}
        return kwargs

    def get_page_subtitle(self):
        return ""

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("征询任务")},
            {"url": "", "label": self.page_title},
        ]

    def form_valid(self, form):
        self.form = form
        try:
            self.object = services.solicitation_send(
                staff=self.request.user,
                draft=form.cleaned_data["draft"],
                deadline=form.cleaned_data["deadline"],
                contact_points=form.cleaned_data["points"],
                note=form.cleaned_data["note"],
            )
        except ContactPointError as exc:
            form.add_error(None, exc)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("征询任务已发给 %(count)s 个联系点，联络员会收到邮件。") % {"count": len(form.cleaned_data["points"])},
        )
        return redirect(self.inspect_url_name, pk=self.object.pk)


class SolicitationInspectView(generic.InspectView):
    """One solicitation: which points have answered, which are late."""

    template_name = "contact_points/admin/solicitation.html"

    def get_object(self, queryset=None):
        return get_object_or_404(Solicitation.objects.select_related("draft", "version"), pk=self.pk)

    def get_page_title(self):
        return _("征询任务：%(draft)s") % {"draft": self.object.draft.title}

    def get_page_subtitle(self):
        return ""

    def get_context_data(self, **kwargs):
        solicitation = self.object
        targets = selectors.solicitation_targets(solicitation)
        now = timezone.now()
        deadline = solicitation.deadline
        for target in targets:
            if target.answered_at:
                target.status, target.css = (
                    (_("逾期报送"), "w-status--label") if target.answered_at > deadline else (_("已报送"), "")
                )
            elif now > deadline:
                target.status, target.css = _("逾期未报送"), "w-status--label"
            else:
                target.status, target.css = _("待报送"), ""
        return super().get_context_data(**kwargs) | {
            "solicitation": solicitation,
            "targets": targets,
            "answered": sum(1 for t in targets if t.answered_at),
            "late": sum(1 for t in targets if not t.answered_at and now > deadline),
        }


class SolicitationViewSet(StaffViewSet):
    model = Solicitation
    name = "contact_point_solicitations"
    url_prefix = "contact-points/solicitations"
    icon = "mail"
    index_view_class = SolicitationIndexView
    add_view_class = SolicitationCreateView
    inspect_view_class = SolicitationInspectView
    inspect_view_enabled = True
    filterset_class = SolicitationFilterSet
    list_per_page = 50
    routes = {**StaffViewSet.routes, "add": "new/"}

    def get_form_class(self, for_update=False):
        return SolicitationForm


# 联系点意见汇总: list (签收所选), one batch -------------------------------------------------------------


class BatchIndexView(generic.IndexView):
    """Submitted batches by default; staff who may receive them tick rows and 签收所选 (a Wagtail bulk action)."""

    page_title = gettext_lazy("联系点意见汇总")
    results_template_name = "contact_points/admin/batches_results.html"
    template_name = "contact_points/admin/batches.html"

    def get_queryset(self):
        return selectors.batch_list_staff(filterset=self.filters)

    @cached_property
    def can_receive(self) -> bool:
        return self.request.user.has_perm(ReceiveBulkAction.permission)

    @cached_property
    def columns(self):
        checkbox = [BatchCheckboxColumn("bulk_actions", obj_type="batch")] if self.can_receive else []
        return [
            *checkbox,
            TitleColumn(
                "contact_point",
                label=gettext_lazy("联系点"),
                accessor="contact_point.name",
                get_url=self.get_inspect_url,
                get_title_id=lambda batch: f"batch_{batch.pk}_title",
            ),
            Column("draft", label=gettext_lazy("法规草案"), accessor="draft.title"),
            Column("opinion_count", label=gettext_lazy("意见数")),
            WhenColumn("submitted_at", label=gettext_lazy("报送时间"), flag=lambda b: b.is_late, flag_label=_("逾期")),
            BatchStateColumn("state", label=gettext_lazy("状态")),
        ]

    def get_context_data(self, *args, **kwargs):
        return super().get_context_data(*args, **kwargs) | {
            "state": self.filters.state_shown,
            "states": STATE_CHOICES,
            "can_receive": self.can_receive,
        }


class BatchInspectView(generic.InspectView):
    """One received or submitted batch: its opinions (100 a page) and the notes of the meetings they came from."""

    template_name = "contact_points/admin/batch.html"

    def get_object(self, queryset=None):
        return get_object_or_404(
            OpinionBatch.objects.exclude(state=BatchState.DRAFT).select_related(
                "contact_point", "draft", "version", "solicitation", "submitted_by", "received_by"
            ),
            pk=self.pk,
        )

    def get_page_title(self):
        return _("意见汇总：%(point)s") % {"point": self.object.contact_point.name}

    def get_page_subtitle(self):
        return ""

    def get_context_data(self, **kwargs):
        page = Paginator(selectors.batch_opinions(self.object), 100).get_page(self.request.GET.get("p"))
        meeting_ids = {link.meeting_id for link in page.object_list if link.meeting_id}
        receive = ""
        if self.object.state == BatchState.SUBMITTED and self.request.user.has_perm(ReceiveBulkAction.permission):
            receive = ReceiveBulkAction.url_for([self.object.pk], next_url=self.request.path)
        return super().get_context_data(**kwargs) | {
            "batch": self.object,
            "page_obj": page,
            "notes": MeetingNote.objects.filter(meeting_id__in=meeting_ids).select_related("meeting"),
            "receive_url": receive,
        }


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
    """Staff read the notes behind the batches they receive; nobody else through this URL.

    Hand-made rather than a viewset's view: it answers with the uploaded file (a .docx or .pdf a coordinator
    sent, served by contact_points.views.note_response, which the coordinator's own download uses too), not
    an admin page about a model.
    """

    def get(self, request, pk: int):
        return note_response(request, get_object_or_404(MeetingNote, pk=pk))


class BatchViewSet(StaffViewSet):
    model = OpinionBatch
    name = "contact_point_batches"
    url_prefix = "contact-points/batches"
    icon = "site"
    index_view_class = BatchIndexView
    inspect_view_class = BatchInspectView
    inspect_view_enabled = True
    filterset_class = BatchStaffFilterSet
    list_per_page = 50
