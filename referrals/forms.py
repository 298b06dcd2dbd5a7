from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from referrals.models import Satisfaction
from referrals.services import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS


class ForwardForm(forms.Form):
    department = forms.TypedChoiceField(label=gettext_lazy("承办单位"), coerce=int)
    deadline = forms.DateTimeField(
        label=gettext_lazy("办理期限"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    instructions = forms.CharField(
        label=gettext_lazy("交办要求"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


MAX_MB = MAX_ATTACHMENT_BYTES // 1024 // 1024


class ReplyForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("答复内容"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000)
    files = MultipleFileField(label=gettext_lazy("附件"), required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _("可一次选择多个文件，最多 %(count)s 个，每个不超过 %(mb)s MB。") % {
            "count": MAX_ATTACHMENTS,
            "mb": MAX_MB,
        }

    def clean_files(self):
        # Checked here too, so that an oversized upload is refused before it is read into memory.
        files = self.cleaned_data["files"]
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("附件最多 %(n)s 个。") % {"n": MAX_ATTACHMENTS})
        for upload in files:
            if upload.size > MAX_ATTACHMENT_BYTES:
                raise forms.ValidationError(_("附件“%(name)s”超过 %(mb)s MB。") % {"name": upload.name, "mb": MAX_MB})
        return files


class ExtensionForm(forms.Form):
    until = forms.DateField(label=gettext_lazy("延期至"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=gettext_lazy("延期理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def clean_until(self) -> datetime:
        """A date means the end of that day, local time."""
        day = self.cleaned_data["until"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("请选择今天以后的日期。"))
        return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


class RateForm(forms.Form):
    rating = forms.ChoiceField(
        label=gettext_lazy("您对办理结果是否满意"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=gettext_lazy("评价意见"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("选填。请勿填写电话、身份证号等个人信息。"),
    )


class ReviewForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("accept", gettext_lazy("办结")),
            ("return", gettext_lazy("退回重办")),
            ("grant", gettext_lazy("同意延期")),
            ("refuse", gettext_lazy("不同意延期")),
        ]
    )
    note = forms.CharField(required=False, max_length=2000)
    revision = forms.IntegerField(required=False, min_value=0)
