from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comments.models import ProposalKind
from contact_points.models import ContactPointKind, Meeting, ProposerCategory
from contact_points.uploads import MAX_NOTE_BYTES


class PointFilterForm(forms.Form):
    district = forms.ChoiceField(label=_("区县"), required=False)
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部类型")), *ContactPointKind.choices])

    def __init__(self, *args, districts: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("全部区县")), *[(d, d) for d in districts]]


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = [
            "draft",
            "held_on",
            "form",
            "place",
            "attendance_deputy",
            "attendance_resident",
            "attendance_enterprise",
            "attendance_expert",
            "attendance_lawyer",
            "attendance_other",
            "summary",
        ]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 5}),
            **{
                name: forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"})
                for name in [
                    "attendance_deputy",
                    "attendance_resident",
                    "attendance_enterprise",
                    "attendance_expert",
                    "attendance_lawyer",
                    "attendance_other",
                ]
            },
        }

    def __init__(self, *args, drafts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["draft"].queryset = drafts
        self.fields["draft"].empty_label = None

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("日期不能晚于今天：请在活动举行后再记录。"))
        return held_on


class FileForm(forms.Form):
    file = forms.FileField(label=_("文件"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_NOTE_BYTES:
            raise forms.ValidationError(
                _("文件过大（%(size).1f MB），不能超过 %(limit)s MB。")
                % {"size": upload.size / 1024 / 1024, "limit": MAX_NOTE_BYTES // 1024 // 1024}
            )
        return upload


class ItemForm(forms.Form):
    article = forms.TypedChoiceField(label=_("条文"), required=False, coerce=int, empty_value=None)
    body = forms.CharField(label=_("意见内容"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    proposer_name = forms.CharField(
        label=_("提出人"),
        required=False,
        max_length=100,
        help_text=_("只用于内部处理，不会公开；可写“某社区居民”。请勿填写电话、邮箱或身份证号。"),
    )
    proposer_category = forms.ChoiceField(
        label=_("提出人类别"), required=False, choices=[("", "—"), *ProposerCategory.choices]
    )
    meeting = forms.TypedChoiceField(label=_("征询活动"), required=False, coerce=int, empty_value=None)
    proposal_kind = forms.ChoiceField(
        label=_("修改建议"),
        required=False,
        choices=[("", _("不提修改建议")), *ProposalKind.choices],
        error_messages={"invalid_choice": _("未知的修改建议类型，请重新选择。")},
    )
    proposal_text = forms.CharField(
        label=_("建议的写法"),
        required=False,
        strip=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("选“修改为”时填写本条修改后的完整条文，选“在本条后增加一条”时填写新增的条文；每款、每项一行。"),
    )

    def __init__(self, *args, articles, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].choices = [("", _("对草案整体的意见")), *articles]
        self.fields["meeting"].choices = [("", "—"), *[(m.pk, str(m)) for m in meetings]]


class ReviewForm(forms.Form):
    action = forms.ChoiceField(choices=[("accept", _("确认")), ("drop", _("删除"))])
    ids = forms.TypedMultipleChoiceField(coerce=int)

    def __init__(self, *args, item_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = [(pk, pk) for pk in item_ids]
