"""Forms of the public draft pages."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from drafts.models import DraftStage


class DraftFilterForm(forms.Form):
    """Filters of the draft list: status, stage and year. Unknown values are ignored, not errors."""

    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), ("open", _("正在征求意见")), ("closed", _("征求意见已结束"))],
    )
    stage = forms.ChoiceField(label=_("审议阶段"), required=False, choices=[("", _("全部")), *DraftStage.choices])
    year = forms.TypedChoiceField(label=_("年份"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("全部")), *((y, str(y)) for y in years)]

    def filter(self, drafts):
        if not self.is_valid():
            return drafts
        now = timezone.now()
        data = self.cleaned_data
        if data["status"] == "open":
            drafts = drafts.filter(opens_at__lte=now, closes_at__gt=now)
        elif data["status"] == "closed":
            drafts = drafts.filter(closes_at__lte=now)
        if data["stage"]:
            drafts = drafts.filter(stage=data["stage"])
        if data["year"]:
            drafts = drafts.filter(opens_at__year=data["year"])
        return drafts
