"""Wagtail admin: the revision workspace (修改稿) of a draft.

Three screens: the outline of the working copy (every heading and article, what became of it, the
citations to check), one article or heading at a time (its text against the version it was opened from,
the opinions to link, the proposed wordings to apply, insert, delete, move), and publishing as the next
version with the warnings a clerk must see first. An article's form saves as staff type (workspace.js
posts it with ``autosave=1`` and gets JSON back); without JavaScript the 保存 button does the same.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from drafts.models import DraftPage, DraftStage
from revisions import selectors, services
from revisions.models import HEADING_KINDS, RevisionNode
from revisions.services import RevisionConflict

STATUS_LABELS = {
    "same": gettext_lazy("未改动"),
    "changed": gettext_lazy("已修改"),
    "added": gettext_lazy("新增"),
    "deleted": gettext_lazy("已删除"),
    "moved": gettext_lazy("条号变化"),
}
HEADING_CHOICES = [
    ("chapter", gettext_lazy("章")),
    ("section", gettext_lazy("节")),
    ("part", gettext_lazy("编")),
    ("subpart", gettext_lazy("分编")),
]


def _ids(values: list[str]) -> list[int]:
    found = []
    for value in values:
        for part in str(value).replace("，", ",").replace("、", ",").split(","):
            part = part.strip()
            if part:
                if not part.isdigit():
                    raise ValidationError(_("意见编号只能是数字，多个编号用逗号分开：“%(value)s”") % {"value": part})
                found.append(int(part))
    return found


class NodeForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("标题"), required=False, max_length=255)
    text = forms.CharField(
        label=gettext_lazy("条文"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("一款一行，项以（一）（二）开头另起一行。条号由系统编排，不要写在正文中。"),
    )
    reason = forms.CharField(
        label=gettext_lazy("修改理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=services.MAX_REASON_CHARS,
    )
    reason_public = forms.BooleanField(label=gettext_lazy("公开修改理由"), required=False)
    row_version = forms.IntegerField(widget=forms.HiddenInput)


class InsertForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("增加"),
        choices=[("article", gettext_lazy("一条")), *HEADING_CHOICES],
        initial="article",
    )
    title = forms.CharField(label=gettext_lazy("标题"), required=False, max_length=255)
    text = forms.CharField(label=gettext_lazy("条文"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    reason = forms.CharField(label=gettext_lazy("修改理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class _DraftView(WagtailAdminTemplateMixin, View):
    header_icon = "doc-full"

    def setup(self, request, *args, page_id=None, **kwargs):
        super().setup(request, *args, **kwargs)
        self.draft = get_object_or_404(DraftPage, pk=page_id)

    def dispatch(self, request, *args, **kwargs):
        if not services.can_edit(request.user, self.draft):
            raise PermissionDenied
        self.revision = selectors.open_revision(self.draft)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        edit = reverse("wagtailadmin_pages:edit", args=[self.draft.pk])
        workspace = reverse("revisions_workspace", args=[self.draft.pk])
        return [
            *self.breadcrumbs_items,
            {"url": edit, "label": self.draft.title},
            {"url": workspace, "label": _("修改稿")},
        ]

    def workspace_url(self, anchor: str = "") -> str:
        return reverse("revisions_workspace", args=[self.draft.pk]) + (f"#{anchor}" if anchor else "")

    def node_url(self, node_id: int) -> str:
        return reverse("revisions_node", args=[self.draft.pk, node_id])

    def error(self, exc: ValidationError) -> None:
        for message in exc.messages:
            messages.error(self.request, message)


class WorkspaceView(_DraftView):
    """The outline of the open working copy, or the button that opens one."""

    template_name = "revisions/admin/workspace.html"

    def get_page_title(self):
        return _("修改稿：%(title)s") % {"title": self.draft.title}

    def get(self, request, *args, **kwargs):
        services.relink_stalled(self.draft)
        rows = selectors.outline(self.revision) if self.revision else []
        for row in rows:
            row.label = STATUS_LABELS[row.status]
        only_changed = request.GET.get("changed") == "1"
        shown = [r for r in rows if r.status != "same" or r.checks or not r.node.is_article] if only_changed else rows
        context = self.get_context_data(
            draft=self.draft,
            revision=self.revision,
            rows=shown,
            counts=selectors.change_counts(rows),
            checks=sum(1 for r in rows if r.checks),
            only_changed=only_changed,
            can_publish=services.can_publish(request.user, self.draft),
        )
        return TemplateResponse(request, self.template_name, context)

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        try:
            if action == "open":
                services.revision_open(draft=self.draft, user=request.user)
                messages.success(request, _("已打开修改稿：它是当前版本的一份副本，修改后可发布为新的版本。"))
            elif action == "discard" and self.revision is not None:
                services.revision_discard(revision_id=self.revision.pk, user=request.user)
                messages.success(request, _("已放弃这份修改稿。"))
        except ValidationError as exc:
            self.error(exc)
        return redirect(self.workspace_url())


class NodeView(_DraftView):
    """One article or heading of the working copy."""

    template_name = "revisions/admin/node.html"

    def dispatch(self, request, *args, node_id=None, **kwargs):
        self.node_id = node_id
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("修改稿：%(title)s") % {"title": self.draft.title}

    def _node(self) -> RevisionNode:
        if self.revision is None:
            raise PermissionDenied
        return get_object_or_404(RevisionNode, pk=self.node_id, revision=self.revision)

    def get(self, request, *args, **kwargs):
        node = self._node()
        form = NodeForm(initial=self._initial(node))
        return self.render(node, form)

    def _initial(self, node):
        return {
            "title": node.title,
            "text": node.text,
            "reason": node.reason,
            "reason_public": node.reason_public,
            "row_version": node.row_version,
        }

    def render(self, node, form, insert_form=None, status=200):
        detail = selectors.node_detail(self.revision, node)
        siblings = list(
            RevisionNode.objects.filter(revision=self.revision)
            .order_by("position", "id")
            .values_list("pk", "kind", "label", "title", "deleted")
        )
        index = next(i for i, s in enumerate(siblings) if s[0] == node.pk)
        context = self.get_context_data(
            draft=self.draft,
            revision=self.revision,
            node=node,
            detail=detail,
            form=form,
            insert_form=insert_form or InsertForm(prefix="insert"),
            status_label=STATUS_LABELS[detail.status],
            previous=siblings[index - 1] if index > 0 else None,
            next=siblings[index + 1] if index + 1 < len(siblings) else None,
            targets=[s for s in siblings if s[0] != node.pk and not s[4]],
            heading_kinds=HEADING_KINDS,
        )
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def post(self, request, *args, **kwargs):
        node = self._node()
        action = request.POST.get("action", "save")
        handler = getattr(self, f"do_{action}", None)
        if handler is None:
            messages.error(request, _("无法识别的操作。"))
            return redirect(self.node_url(node.pk))
        return handler(request, node)

    # -- the text, its reason and its opinions --

    def do_save(self, request, node):
        autosave = request.POST.get("autosave") == "1"
        form = NodeForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            linked = _ids(request.POST.getlist("opinions") + [request.POST.get("opinion_numbers", "")])
            linked += selectors.group_members(self.revision, _ids(request.POST.getlist("groups")))
            saved = services.node_save(
                revision_id=self.revision.pk,
                node_id=node.pk,
                user=request.user,
                row_version=form.cleaned_data["row_version"],
                text=form.cleaned_data["text"] if node.is_article else None,
                title=form.cleaned_data["title"],
                reason=form.cleaned_data["reason"],
                reason_public=form.cleaned_data["reason_public"],
                opinion_ids=linked if request.POST.get("links_shown") == "1" else None,
            )
        except ValidationError as exc:
            if autosave:
                return JsonResponse(
                    {"ok": False, "conflict": isinstance(exc, RevisionConflict), "errors": exc.messages}, status=409
                )
            self.error(exc)
            node.refresh_from_db()
            # What was typed stays in the form; the row_version stays the one it was typed on.
            return self.render(node, NodeForm(request.POST), status=409 if isinstance(exc, RevisionConflict) else 400)
        if autosave:
            when = date_format(localtime(saved.edited_at), "H:i:s")
            return JsonResponse(
                {
                    "ok": True,
                    "row_version": saved.row_version,
                    "message": _("已自动保存（%(time)s）") % {"time": when},
                    "checks": saved.checks,
                }
            )
        messages.success(request, _("已保存%(label)s。") % {"label": saved.label})
        return redirect(self.node_url(saved.pk))

    def do_apply(self, request, node):
        try:
            saved = services.proposal_apply(
                revision_id=self.revision.pk,
                node_id=node.pk,
                opinion_id=int(request.POST.get("opinion", "0") or 0),
                user=request.user,
                row_version=int(request.POST.get("row_version", "-1") or -1),
            )
        except (ValidationError, ValueError) as exc:
            self.error(exc if isinstance(exc, ValidationError) else ValidationError(_("请求无效，请刷新后再试。")))
            return redirect(self.node_url(node.pk))
        messages.success(request, _("已采用第 %(id)s 号意见的修改建议。") % {"id": request.POST.get("opinion")})
        return redirect(self.node_url(saved.pk))

    def do_checked(self, request, node):
        try:
            services.checks_clear(revision_id=self.revision.pk, node_id=node.pk, user=request.user)
        except ValidationError as exc:
            self.error(exc)
        return redirect(self.node_url(node.pk))

    # -- structure --

    def do_insert(self, request, node):
        form = InsertForm(request.POST, prefix="insert")
        if not form.is_valid():
            return self.render(node, NodeForm(initial=self._initial(node)), insert_form=form, status=400)
        try:
            new = services.node_insert(
                revision_id=self.revision.pk,
                after_id=node.pk,
                user=request.user,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                title=form.cleaned_data["title"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            self.error(exc)
            return self.render(node, NodeForm(initial=self._initial(node)), insert_form=form, status=400)
        messages.success(request, _("已增加%(label)s，其后的条文已重新编号。") % {"label": new.label})
        return redirect(self.node_url(new.pk))

    def do_delete(self, request, node):
        try:
            kept = services.node_delete(
                revision_id=self.revision.pk, node_id=node.pk, user=request.user, reason=request.POST.get("reason")
            )
        except ValidationError as exc:
            self.error(exc)
            return redirect(self.node_url(node.pk))
        messages.success(request, _("已删除%(label)s，其后的条文已重新编号。") % {"label": node.label})
        return redirect(self.node_url(kept.pk) if kept else self.workspace_url())

    def do_restore(self, request, node):
        try:
            services.node_restore(revision_id=self.revision.pk, node_id=node.pk, user=request.user)
        except ValidationError as exc:
            self.error(exc)
        return redirect(self.node_url(node.pk))

    def do_move(self, request, node):
        target = request.POST.get("after", "")
        try:
            if target not in ("start",) and not target.isdigit():
                raise ValidationError(_("请选择要移到哪一条或哪一章之后。"))
            moved = services.node_move(
                revision_id=self.revision.pk,
                node_id=node.pk,
                after_id=None if target == "start" else int(target),
                user=request.user,
            )
        except ValidationError as exc:
            self.error(exc)
            return redirect(self.node_url(node.pk))
        messages.success(request, _("已移动，现为%(label)s。") % {"label": moved.label})
        return redirect(self.node_url(moved.pk))


class PublishForm(forms.Form):
    stage = forms.ChoiceField(label=gettext_lazy("新版本的审议阶段"), choices=DraftStage.choices)
    confirm = forms.BooleanField(label=gettext_lazy("我已看过上面的提示，确认发布为新的版本"))


class PublishView(_DraftView):
    template_name = "revisions/admin/publish.html"

    def get_page_title(self):
        return _("发布修改稿：%(title)s") % {"title": self.draft.title}

    def dispatch(self, request, *args, **kwargs):
        if not services.can_edit(request.user, self.draft):
            raise PermissionDenied
        self.revision = selectors.open_revision(self.draft)
        if self.revision is None:
            messages.error(request, _("这部草案没有正在编辑的修改稿。"))
            return redirect(reverse("revisions_workspace", args=[self.draft.pk]))
        if not services.can_publish(request.user, self.draft):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render(PublishForm(initial={"stage": self.revision.stage}))

    def render(self, form, status=200):
        rows = selectors.outline(self.revision)
        context = self.get_context_data(
            draft=self.draft,
            revision=self.revision,
            form=form,
            counts=selectors.change_counts(rows),
            warnings=selectors.publish_warnings(self.revision),
        )
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def post(self, request, *args, **kwargs):
        form = PublishForm(request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            version = services.revision_publish(
                revision_id=self.revision.pk, user=request.user, stage=form.cleaned_data["stage"]
            )
        except ValidationError as exc:
            self.error(exc)
            return self.render(form, status=400)
        messages.success(
            request,
            _("已发布为第 %(number)s 版（%(stage)s）。修改对照表可在“修改对照表”中下载。")
            % {"number": version.number, "stage": version.get_stage_display()},
        )
        return redirect(reverse("drafts_comparison", args=[self.draft.pk]))
