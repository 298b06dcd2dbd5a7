from django import forms
from django.utils.translation import gettext_lazy as _

from comments.models import ProposalKind, ReportReason

NO_PROPOSAL = "none"


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
    # A proposed wording of the article (修改建议), offered on an article's page only. Both text areas are
    # always in the page, so that it works without JavaScript; thread.js shows only the chosen one.
    proposal_kind = forms.ChoiceField(
        label=_("修改建议（可选）"),
        choices=[(NO_PROPOSAL, _("不提修改建议")), *ProposalKind.choices],
        widget=forms.RadioSelect,
        required=False,
        initial=NO_PROPOSAL,
        error_messages={"invalid_choice": _("未知的修改建议类型，请重新选择。")},
    )
    proposal_text = forms.CharField(
        label=_("建议修改为"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("选择“修改为”时填写：已填入本条现在的文字，每款、每项一行，直接在上面修改。"),
        max_length=100_000,
        strip=False,
        required=False,
    )
    proposal_insert = forms.CharField(
        label=_("建议增加的条文"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("选择“在本条后增加一条”时填写，每款、每项一行。"),
        max_length=100_000,
        strip=False,
        required=False,
    )

    def __init__(self, *args, max_length: int = 2000, article=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_length = max_length
        # Offered (and shown) only for an opinion on an article; the service refuses a forged one.
        self.offers_proposal = article is not None
        if article is not None and not self.is_bound:
            self.fields["proposal_text"].initial = article.text
        # No maxlength: a browser would cut a longer paste silently. The page counts as one types
        # (thread.js) and the service refuses an over-long text with both figures, keeping it.
        self.fields["body"].widget.attrs.update(
            {"data-max-length": max_length, "placeholder": _("请针对条文内容提出具体的意见或建议，并说明理由。")}
        )
        self.fields["body"].help_text = _("不超过 %(limit)s 字。请勿填写电话、身份证号等个人信息。") % {
            "limit": max_length
        }

    def proposal(self) -> tuple[str, str]:
        """(kind, text) for comments.services.opinion_post: ("", "") when no proposal was chosen."""
        kind = self.cleaned_data.get("proposal_kind") or NO_PROPOSAL
        if kind == NO_PROPOSAL:
            return "", ""
        field = "proposal_insert" if kind == ProposalKind.INSERT else "proposal_text"
        return kind, self.cleaned_data.get(field) or ""


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("举报理由"), choices=ReportReason.choices, widget=forms.RadioSelect)
