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
        # No maxlength: a browser would cut a longer paste silently. The page counts as one types
        # (thread.js) and the service refuses an over-long text with both figures, keeping it.
        self.fields["body"].widget.attrs.update(
            {"data-max-length": max_length, "placeholder": _("请针对条文内容提出具体的意见或建议，并说明理由。")}
        )
        self.fields["body"].help_text = _("不超过 %(limit)s 字。请勿填写电话、身份证号等个人信息。") % {
            "limit": max_length
        }


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("举报理由"), choices=ReportReason.choices, widget=forms.RadioSelect)
