from django import forms
from django.utils.translation import gettext_lazy as _

from comments.models import ReportReason


class OpinionForm(forms.Form):
    """What a citizen types; every rule beyond the form's shape is checked by comments.services."""

    body = forms.CharField(
        label=_("您的意见"),
        widget=forms.Textarea(attrs={"rows": 5}),
        # The length limit is the draft's and is checked by the service, so that a long text gets
        # the message with both figures; the form stops only absurd sizes early.
        max_length=100_000,
        strip=False,
        required=False,
        error_messages={"max_length": _("意见太长了，请精简后再提交。")},
    )
    draft = forms.IntegerField(widget=forms.HiddenInput)
    article = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reply_to = forms.IntegerField(widget=forms.HiddenInput, required=False)
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, max_length: int = 2000, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_length = max_length
        self.fields["body"].widget.attrs.update(
            {"maxlength": max_length, "placeholder": _("请针对条文内容提出具体的意见或建议，并说明理由。")}
        )
        self.fields["body"].help_text = _("不超过 %(limit)s 字。请勿填写电话、身份证号等个人信息。") % {
            "limit": max_length
        }


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("举报理由"), choices=ReportReason.choices, widget=forms.RadioSelect)


# Staff handling -------------------------------------------------------------------------------


class WorkspaceFilterForm(forms.Form):
    """The filters of the staff workspace; choices that depend on the draft are set by the view."""

    draft = forms.TypedChoiceField(label=_("法规草案"), coerce=int)
    article = forms.IntegerField(label=_("条"), required=False, min_value=1, max_value=9999)
    chapter = forms.TypedChoiceField(label=_("章"), required=False, coerce=int, empty_value=None)
    channel = forms.ChoiceField(label=_("来源渠道"), required=False)
    contact_point = forms.TypedChoiceField(label=_("联系点"), required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(label=_("审核状态"), required=False)
    disposition = forms.ChoiceField(label=_("处理情况"), required=False)
    assignee = forms.ChoiceField(label=_("承办人"), required=False)
    min_support = forms.IntegerField(label=_("附议不少于"), required=False, min_value=0)
    cluster = forms.CharField(label=_("相似意见组"), required=False, max_length=20)
    q = forms.CharField(label=_("内容包含"), required=False, max_length=100)


class DisposeForm(forms.Form):
    disposition = forms.ChoiceField(label=_("处理情况"))
    reason = forms.CharField(label=_("理由说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason_public = forms.BooleanField(label=_("在公开反馈中显示理由"), required=False, initial=True)


class ForwardForm(forms.Form):
    department = forms.TypedChoiceField(label=_("承办单位"), coerce=int)
    deadline = forms.DateTimeField(
        label=_("办理期限"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    instructions = forms.CharField(label=_("交办要求"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
