from django import forms
from django.utils.translation import gettext_lazy as _


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
