from django import forms
from django.utils.translation import gettext_lazy as _


class DisposeForm(forms.Form):
    disposition = forms.ChoiceField(label=_("处理情况"))
    reason = forms.CharField(label=_("理由说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason_public = forms.BooleanField(label=_("在公开反馈中显示理由"), required=False, initial=True)
