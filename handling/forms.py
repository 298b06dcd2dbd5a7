from django import forms
from django.utils.translation import gettext_lazy as _

from comments.models import Disposition

DISPOSE_CHOICES = [
    (Disposition.ADOPTED, Disposition.ADOPTED.label),
    (Disposition.PARTLY_ADOPTED, Disposition.PARTLY_ADOPTED.label),
    (Disposition.NOT_ADOPTED, Disposition.NOT_ADOPTED.label),
    (Disposition.UNDECIDED, _("改回待处理")),
]


class DisposeForm(forms.Form):
    disposition = forms.ChoiceField(label=_("处理情况"), choices=DISPOSE_CHOICES)
    reason = forms.CharField(label=_("理由说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason_public = forms.BooleanField(label=_("在公开反馈中显示理由"), required=False, initial=True)


class AssignForm(forms.Form):
    """Choices (the staff members) are set by the caller; none means 取消分配."""

    assignee = forms.TypedChoiceField(label=_("承办人"), required=False, coerce=int, empty_value=None)


class MergeForm(forms.Form):
    target = forms.IntegerField(
        label=_("并入第几号意见"),
        min_value=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input-opinion-number"}),
        error_messages={"required": _("请填写合并到的意见编号。"), "invalid": _("请填写合并到的意见编号。")},
    )
    merge_reason = forms.CharField(label=_("说明（可不填）"), required=False, max_length=500)
