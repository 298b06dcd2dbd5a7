"""The moderation queue's bulk actions (发布、不予发布、隐藏 the selected opinions), as Wagtail bulk actions that
call comments.services.opinions_moderate; the opinions are those ticked, or everything the queue's filters list."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cms.bulk_actions import ListingBulkAction
from comments import selectors, services
from comments.models import Channel, Opinion
from comments.services import OpinionError

REASON_PRESETS = [
    gettext_lazy("与草案内容无关"),
    gettext_lazy("含有辱骂或人身攻击内容"),
    gettext_lazy("含有广告或垃圾信息"),
    gettext_lazy("含有他人的个人信息"),
]


class ModerationForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("理由（不予发布或隐藏时必填，会告知提交人）"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"list": "reason-presets", "class": "input-long"}),
    )


class ModerationBulkAction(ListingBulkAction):
    model = Opinion
    listing = "moderation"
    permission = "comments.moderate_opinion"
    error_class = OpinionError
    form_class = ModerationForm
    row_template = "comments/admin/_bulk_row.html"
    extra_template = "comments/admin/_reason_presets.html"

    @classmethod
    def selectable(cls, queryset):
        return queryset.filter(channel=Channel.ONLINE)

    def listing_queryset(self, params):
        return selectors.moderation_queue(filters=params, user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"header_icon": "comment", "reason_presets": REASON_PRESETS}

    def perform(self, objects, form) -> str:
        ids = [o.pk for o in objects]
        changed = services.opinions_moderate(
            moderator=self.request.user, opinion_ids=ids, action=self.action_type, reason=form.cleaned_data["reason"]
        )
        text = _("已处理 %(count)s 条意见。") % {"count": len(changed)}
        if skipped := len(ids) - len(changed):
            text += _("另有 %(count)s 条的状态不允许这一操作（例如已撤回），未作改动。") % {"count": skipped}
        return text


class PublishBulkAction(ModerationBulkAction):
    display_name = gettext_lazy("发布所选")
    action_button_text = gettext_lazy("发布")
    aria_label = gettext_lazy("发布所选意见")
    action_type = "publish"
    action_priority = 10


class RejectBulkAction(ModerationBulkAction):
    display_name = gettext_lazy("不予发布所选")
    action_button_text = gettext_lazy("不予发布")
    aria_label = gettext_lazy("不予发布所选意见")
    action_type = "reject"
    action_priority = 20


class HideBulkAction(ModerationBulkAction):
    display_name = gettext_lazy("隐藏所选")
    action_button_text = gettext_lazy("隐藏")
    aria_label = gettext_lazy("隐藏所选意见")
    action_type = "hide"
    action_priority = 30


BULK_ACTIONS = [PublishBulkAction, RejectBulkAction, HideBulkAction]
