"""Wagtail admin: the moderation queue with filters and bulk publish / reject / hide."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from comments import selectors, services
from comments.models import ModerationState, Report
from comments.services import OpinionError
from drafts.models import DraftPage

FLAGS = [
    ("", gettext_lazy("全部")),
    ("held", gettext_lazy("含敏感词")),
    ("reported", gettext_lazy("被举报")),
    ("campaign", gettext_lazy("疑似集中提交")),
]


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("审核状态"),
        choices=[("", gettext_lazy("全部")), *ModerationState.choices],
        required=False,
    )
    draft = forms.ModelChoiceField(
        label=gettext_lazy("法规草案"),
        queryset=DraftPage.objects.order_by("-id"),
        required=False,
        empty_label=gettext_lazy("全部"),
    )
    flag = forms.ChoiceField(label=gettext_lazy("标记"), choices=FLAGS, required=False)
    q = forms.CharField(label=gettext_lazy("内容包含"), required=False, max_length=100)


class ModerationActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("publish", gettext_lazy("发布")),
            ("reject", gettext_lazy("不予发布")),
            ("hide", gettext_lazy("隐藏")),
        ]
    )
    reason = forms.CharField(required=False, max_length=500)
    ids = forms.CharField()


class ModerationQueueView(WagtailAdminTemplateMixin, View):
    template_name = "comments/admin/queue.html"
    page_title = gettext_lazy("意见审核")
    header_icon = "comment"
    per_page = 50

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": _("意见审核")}]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("comments.moderate_opinion"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        data = request.GET.copy()
        if "state" not in data:
            data["state"] = ModerationState.PENDING
        form = QueueFilterForm(data)
        filters = selectors.QueueFilter()
        if form.is_valid():
            filters = selectors.QueueFilter(
                state=form.cleaned_data["state"],
                draft_id=form.cleaned_data["draft"].pk if form.cleaned_data["draft"] else None,
                flag=form.cleaned_data["flag"],
                query=form.cleaned_data["q"],
            )
        page = Paginator(selectors.moderation_queue(filters), self.per_page).get_page(request.GET.get("p"))
        ids = [o.pk for o in page.object_list]
        reasons: dict[int, list[str]] = {}
        for opinion_id, reason in Report.objects.filter(opinion_id__in=ids).values_list("opinion_id", "reason"):
            reasons.setdefault(opinion_id, []).append(reason)
        labels = dict(Report._meta.get_field("reason").choices)
        for opinion in page.object_list:
            opinion.report_reasons = sorted({str(labels[r]) for r in reasons.get(opinion.pk, [])})
        context = self.get_context_data(filter_form=form, page_obj=page, opinions=page.object_list)
        context["query_string"] = request.GET.urlencode()
        return TemplateResponse(request, self.template_name, context)

    def post(self, request, *args, **kwargs):
        form = ModerationActionForm(request.POST)
        back = request.get_full_path()
        if not form.is_valid():
            messages.error(request, _("请先选择要审核的意见和操作。"))
            return redirect(back)
        ids = [int(pk) for pk in form.cleaned_data["ids"].split(",") if pk.strip().isdigit()]
        try:
            changed = services.opinions_moderate(
                moderator=request.user,
                opinion_ids=ids,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
            )
        except OpinionError as exc:
            messages.error(request, exc.messages[0])
            return redirect(back)
        skipped = len(ids) - len(changed)
        text = _("已处理 %(count)s 条意见。") % {"count": len(changed)}
        if skipped:
            text += _("另有 %(count)s 条的状态不允许这一操作（例如已撤回），未作改动。") % {"count": skipped}
        messages.success(request, text)
        return redirect(back)
