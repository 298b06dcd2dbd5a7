"""Wagtail admin: import a draft (or a new version of one) with a preview, edit article notes, and
download the 修改前后对照表 of two versions.

Import is two steps on one form: 解析 shows the parsed tree, its warnings and, for a new version,
how its articles line up with the current ones; staff fix the text or the matches and parse again,
then 保存. The text is the state: nothing is stored between the steps, so nothing is half-saved.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.uploads import UploadError
from drafts.comparison_word import comparison_docx
from drafts.explanation_word import explanation_docx
from drafts.extensions import comparison_warning_list
from drafts.models import DraftIndexPage, DraftPage, DraftStage, DraftVersion, Provision
from drafts.parser import ParseResult, parse_text
from drafts.readers import MAX_DRAFT_FILE_BYTES, read_draft_file
from drafts.selectors import version_comparison
from drafts.services import draft_create, draft_version_create, version_match
from drafts.text import tree_text

STATUS_LABELS = {
    "same": gettext_lazy("未改动"),
    "changed": gettext_lazy("修改"),
    "renumbered": gettext_lazy("条号变化"),
    "moved": gettext_lazy("移动"),
    "added": gettext_lazy("新增"),
}


class DraftImportForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("标题"), max_length=255, required=False, help_text=gettext_lazy("留空则使用文本中的标题。")
    )
    stage = forms.ChoiceField(label=gettext_lazy("审议阶段"), choices=DraftStage.choices)
    index = forms.ModelChoiceField(
        label=gettext_lazy("所属栏目"), queryset=DraftIndexPage.objects.none(), required=False, empty_label=None
    )
    file = forms.FileField(
        label=gettext_lazy("草案文件"),
        required=False,
        help_text=gettext_lazy("支持 .docx、.txt、.md，不超过 20 MB；也可以直接在下面粘贴全文。"),
    )
    text = forms.CharField(
        label=gettext_lazy("草案全文"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false", "lang": "zh-CN"}),
        help_text=gettext_lazy("可以在这里修改文字后重新解析。"),
    )
    source_name = forms.CharField(required=False, max_length=255, widget=forms.HiddenInput)
    make_current = forms.BooleanField(
        label=gettext_lazy("保存后设为当前版本（公开页面立即显示新文本）"), required=False, initial=True
    )

    def __init__(self, *args, draft: DraftPage | None, indexes, **kwargs):
        super().__init__(*args, **kwargs)
        self.draft = draft
        self.result: ParseResult | None = None
        self.source_name = ""
        if draft is None:
            self.fields["index"].queryset = indexes
            self.fields["index"].required = True
            del self.fields["make_current"]
        else:
            del self.fields["index"]
            self.fields["title"].help_text = _("留空则使用文本中的标题，或沿用草案标题。")

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > MAX_DRAFT_FILE_BYTES:
                self.add_error("file", _("文件过大，草案文件不能超过 20 MB。"))
                return data
            try:
                self.result = read_draft_file(upload.name, upload.read())
            except UploadError as exc:
                self.add_error("file", exc.message)
                return data
            self.source_name = data["source_name"] = upload.name
            data["text"] = tree_text(self.result)
        elif data.get("text", "").strip():
            self.result = parse_text(data["text"])
            if not self.result.is_valid:
                self.add_error("text", _("未在文本中找到“第……条”形式的条文，请检查是否粘贴了法规草案全文。"))
        else:
            raise ValidationError(_("请选择草案文件，或粘贴草案全文。"))
        return data


def _corrections(request, match) -> dict[int, int | None]:
    """Staff corrections from the preview: `match-<new index>` holds an old article number or is empty."""
    if match is None:
        return {}
    by_number: dict[int, int] = {}
    for index, old in enumerate(match.old):
        by_number.setdefault(old["number"], index)
    automatic = match.result.old_for_new()
    corrections: dict[int, int | None] = {}
    errors: list[str] = []
    for key, value in request.POST.items():
        if not key.startswith("match-"):
            continue
        try:
            new_index = int(key.removeprefix("match-"))
        except ValueError:
            continue
        if not 0 <= new_index < len(match.new):
            continue
        value = value.strip()
        if value in ("", "0"):
            old_index = None
        elif value.isdigit() and int(value) in by_number:
            old_index = by_number[int(value)]
        else:
            errors.append(
                _("%(label)s 对应的原条文“%(value)s”不存在。") % {"label": match.new[new_index].label, "value": value}
            )
            continue
        if automatic.get(new_index) != old_index:
            corrections[new_index] = old_index
    if errors:
        raise ValidationError(errors)
    return corrections


class DraftImportView(WagtailAdminTemplateMixin, View):
    template_name = "drafts/admin/import.html"
    header_icon = "doc-full-inverse"

    def setup(self, request, *args, page_id=None, **kwargs):
        super().setup(request, *args, **kwargs)
        self.draft = get_object_or_404(DraftPage, pk=page_id) if page_id else None

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_page_title(self):
        if self.draft:
            return _("导入新版本：%(title)s") % {"title": self.draft.title}
        return _("导入法规草案")

    def _indexes(self):
        ids = [
            i.pk for i in DraftIndexPage.objects.all() if i.permissions_for_user(self.request.user).can_add_subpage()
        ]
        return DraftIndexPage.objects.filter(Q(pk__in=ids))

    def dispatch(self, request, *args, **kwargs):
        if self.draft is not None:
            if not self.draft.permissions_for_user(request.user).can_edit():
                raise PermissionDenied
        elif not self._indexes().exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _form(self, data=None, files=None):
        initial = {"stage": self.draft.stage if self.draft else DraftStage.SOLICITATION, "make_current": True}
        return DraftImportForm(data, files, draft=self.draft, indexes=self._indexes(), initial=initial)

    def get(self, request, *args, **kwargs):
        return self.render(self._form())

    def post(self, request, *args, **kwargs):
        form = self._form(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form)
        result = form.result
        if form.cleaned_data["title"]:
            result.title = form.cleaned_data["title"]
        match = version_match(draft=self.draft, result=result) if self.draft else None
        try:
            corrections = _corrections(request, match) if not form.source_name else {}
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return self.render(form, result=result, match=match)
        if corrections:
            match = version_match(draft=self.draft, result=result, corrections=corrections)
        if request.POST.get("action") != "save" or form.source_name:
            # A fresh upload is always previewed first, whatever button was pressed.
            form = self._form(
                {
                    **request.POST.dict(),
                    "text": form.cleaned_data["text"],
                    "source_name": form.cleaned_data.get("source_name", ""),
                    # A file printing its 稿别 under the title (（二审稿）) proposes that stage.
                    **(
                        {"stage": noted}
                        if form.source_name and (noted := DraftStage.from_note(result.stage_note))
                        else {}
                    ),
                }
            )
            form.is_valid()
            return self.render(form, result=result, match=match, corrections=corrections)
        return self._save(form, result, corrections)

    def _save(self, form, result, corrections):
        data = form.cleaned_data
        try:
            if self.draft is None:
                draft = draft_create(
                    index=data["index"],
                    result=result,
                    title=data["title"],
                    stage=data["stage"],
                    created_by=self.request.user,
                    source_name=data.get("source_name", ""),
                    source_text=data["text"],
                )
                messages.success(
                    self.request,
                    _("已导入“%(title)s”，共 %(count)s 条。草案尚未发布：请补充征求意见期等信息后发布。")
                    % {"title": draft.title, "count": result.articles},
                )
            else:
                draft = self.draft
                if not data["title"]:
                    result.title = result.title or draft.title
                version = draft_version_create(
                    draft=draft,
                    result=result,
                    stage=data["stage"],
                    created_by=self.request.user,
                    source_name=data.get("source_name", ""),
                    source_text=data["text"],
                    corrections=corrections,
                    make_current=data.get("make_current", False),
                )
                messages.success(
                    self.request,
                    _("已导入第 %(number)s 个版本（%(stage)s），共 %(count)s 条。")
                    % {"number": version.number, "stage": version.get_stage_display(), "count": result.articles},
                )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return self.render(form, result=result)
        return redirect("wagtailadmin_pages:edit", draft.pk)

    def render(self, form, result=None, match=None, corrections=None):
        context = self.get_context_data(form=form, draft=self.draft, result=result)
        if result is not None:
            context["counts"] = result.to_dict()
            context["outline"] = _outline(result)
        if match is not None:
            rows = []
            old_for_new = match.result.old_for_new()
            for new_index, node in enumerate(match.new):
                old_index = old_for_new.get(new_index)
                status = match.result.status(new_index)
                rows.append(
                    {
                        "index": new_index,
                        "label": node.label,
                        "excerpt": node.text[:60],
                        "status": status,
                        "status_label": STATUS_LABELS.get(status, status),
                        "old_number": match.old[old_index]["number"] if old_index is not None else "",
                        "old_label": match.old[old_index]["label"] if old_index is not None else "",
                        "manual": new_index in (corrections or {}),
                    }
                )
            context["match_rows"] = [row for row in rows if row["status"] != "same"]
            context["match_same"] = sum(1 for row in rows if row["status"] == "same")
            context["match_deleted"] = [match.old[i]["label"] for i in match.result.deleted]
        return TemplateResponse(self.request, self.template_name, context)


def _outline(result: ParseResult) -> list[dict]:
    """Headings and articles, each with an excerpt, for the preview."""
    rows = []
    for node in result.walk():
        if node.kind in ("part", "subpart", "chapter", "section"):
            rows.append({"kind": node.kind, "label": f"{node.label}　{node.title}", "excerpt": ""})
        elif node.kind == "article":
            title = f"（{node.title}）" if node.title else ""
            rows.append({"kind": "article", "label": node.label + title, "excerpt": node.text[:80]})
    return rows


class ArticleNoteForm(forms.ModelForm):
    class Meta:
        model = Provision
        fields = ["note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}


class ArticleNotesView(WagtailAdminTemplateMixin, View):
    """释义: the plain-language notes of the current version's articles, edited one article at a time."""

    template_name = "drafts/admin/notes.html"
    header_icon = "help"

    def setup(self, request, *args, page_id=None, **kwargs):
        super().setup(request, *args, **kwargs)
        self.draft = get_object_or_404(DraftPage, pk=page_id)

    def get_breadcrumbs_items(self):
        edit = reverse("wagtailadmin_pages:edit", args=[self.draft.pk])
        return [*self.breadcrumbs_items, {"url": edit, "label": self.draft.title}, {"url": "", "label": _("条文释义")}]

    def get_page_title(self):
        return _("条文释义：%(title)s") % {"title": self.draft.title}

    def dispatch(self, request, *args, **kwargs):
        if not self.draft.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _articles(self):
        return Provision.objects.filter(version_id=self.draft.current_version_id, kind="article").order_by("position")

    def get(self, request, *args, **kwargs):
        number = request.GET.get("number", "").strip()
        articles = self._articles()
        article = None
        if number.isdigit():
            article = articles.filter(number=int(number)).first()
            if article is None:
                messages.error(request, _("当前版本中没有第 %(number)s 条。") % {"number": number})
        return self._render(article, ArticleNoteForm(instance=article) if article else None)

    def post(self, request, *args, **kwargs):
        article = get_object_or_404(self._articles(), pk=request.POST.get("article"))
        form = ArticleNoteForm(request.POST, instance=article)
        if form.is_valid():
            form.save()
            article.version.save(update_fields=["updated_at"])  # the public text is cached under it
            messages.success(request, _("已保存%(label)s的释义。") % {"label": article.label})
            return redirect(f"{reverse('drafts_notes', args=[self.draft.pk])}?number={article.number}")
        return self._render(article, form)

    def _render(self, article, form):
        noted = self._articles().exclude(note="").values_list("number", "label")
        context = self.get_context_data(draft=self.draft, article=article, form=form, noted=list(noted))
        return TemplateResponse(self.request, self.template_name, context)


#: The documents of two versions staff may download.
TABLE, TWO_COLUMNS, EXPLANATION = "table", "two_columns", "explanation"


class ComparisonForm(forms.Form):
    old = forms.TypedChoiceField(label=gettext_lazy("修改前的版本"), coerce=int)
    new = forms.TypedChoiceField(label=gettext_lazy("修改后的版本"), coerce=int)
    everything = forms.BooleanField(
        label=gettext_lazy("列出全部条文"),
        required=False,
        help_text=gettext_lazy("仅用于对照表：未修改的条文写“同左”。"),
    )
    document = forms.ChoiceField(
        label=gettext_lazy("文件"),
        choices=[
            (TABLE, gettext_lazy("修改前后对照表")),
            (TWO_COLUMNS, gettext_lazy("两栏对照表（不含“修改理由（意见来源）”一栏，供公开发布）")),
            (EXPLANATION, gettext_lazy("修改情况说明（初稿）")),
        ],
        initial=TABLE,
        required=False,  # a link without it asks for the table, as before there was a choice
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, versions: list[DraftVersion], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(v.number, f"{v.get_stage_display()}（{localtime(v.created_at):%Y-%m-%d}）") for v in versions]
        self.fields["old"].choices = self.fields["new"].choices = choices

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("old") is not None and cleaned.get("old") == cleaned.get("new"):
            raise ValidationError(_("请选择两个不同的版本。"))
        return cleaned


class ComparisonExportView(WagtailAdminTemplateMixin, View):
    """修改前后对照表 (three or two columns) or 修改情况说明: two versions of a draft picked, downloaded as a
    Word file."""

    template_name = "drafts/admin/comparison.html"
    header_icon = "doc-full"

    def setup(self, request, *args, page_id=None, **kwargs):
        super().setup(request, *args, **kwargs)
        self.draft = get_object_or_404(DraftPage, pk=page_id)

    def get_breadcrumbs_items(self):
        edit = reverse("wagtailadmin_pages:edit", args=[self.draft.pk])
        return [
            *self.breadcrumbs_items,
            {"url": edit, "label": self.draft.title},
            {"url": "", "label": _("修改对照表")},
        ]

    def get_page_title(self):
        return _("修改对照表：%(title)s") % {"title": self.draft.title}

    def dispatch(self, request, *args, **kwargs):
        if not self.draft.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        versions = list(self.draft.versions.order_by("number"))
        if "old" not in request.GET:
            initial = {"old": versions[-2].number, "new": versions[-1].number} if len(versions) > 1 else {}
            return self._render(ComparisonForm(initial=initial, versions=versions), versions)
        form = ComparisonForm(request.GET, versions=versions)
        if not form.is_valid():
            return self._render(form, versions)
        by_number = {v.number: v for v in versions}
        comparison = version_comparison(
            old=by_number[form.cleaned_data["old"]], new=by_number[form.cleaned_data["new"]]
        )
        document = form.cleaned_data["document"] or TABLE
        if document == EXPLANATION:
            data = explanation_docx(comparison)
            filename = f"关于《{comparison.title}》修改情况的说明.docx"
        else:
            data = comparison_docx(
                comparison, everything=form.cleaned_data["everything"], reasons=document != TWO_COLUMNS
            )
            filename = f"《{comparison.title}》修改前后对照表.docx"
        response = HttpResponse(
            data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        response.headers["Content-Disposition"] = content_disposition_header(True, filename)
        return response

    def _render(self, form, versions):
        context = self.get_context_data(
            draft=self.draft, form=form, versions=versions, warnings=comparison_warning_list(self.draft)
        )
        return TemplateResponse(self.request, self.template_name, context)
