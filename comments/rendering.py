"""Opinions rendered to HTML in Python: a thread page holds up to 80 of them, and a template include
per opinion (with its own CSRF token, translations and date formatting) cost more than the queries.

Every piece of user text goes through escape(); the labels are translated once per page.
"""

from dataclasses import dataclass

from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from cms.redaction import redact_contact_details
from comments.redline import proposal_of, redline_html


@dataclass
class Labels:
    official: str
    reply: str
    report: str
    done: str
    support_format: str
    supported_format: str
    reply_to_format: str

    @classmethod
    def current(cls) -> "Labels":
        return cls(
            official=_("官方答复"),
            reply=_("回复"),
            report=_("举报"),
            done=_("已附议"),
            support_format=_("附议 %(count)s"),
            supported_format=_("已附议 %(count)s"),
            reply_to_format=_("回复 %(name)s"),
        )


class OpinionRenderer:
    """Renders opinions for one request: who is reading, whether they may post, where to come back."""

    def __init__(self, request, *, can_post: bool, supported: set[int]):
        self.user_id = request.user.pk if request.user.is_authenticated else None
        self.can_post = can_post
        self.supported = supported
        self.labels = Labels.current()
        self.next_path = escape(request.get_full_path())
        self.csrf = escape(get_token(request))
        self.new_url = reverse("comments:new")

    def _support(self, opinion) -> str:
        labels = self.labels
        count = f"{opinion.support_count:,}"
        if opinion.pk in self.supported:
            return f'<span class="support support--done">{escape(labels.supported_format % {"count": count})}</span>'
        if self.user_id is not None and opinion.author_id == self.user_id:
            return f'<span class="support muted">{escape(labels.support_format % {"count": count})}</span>'
        disabled = "" if self.can_post else " disabled"
        return (
            f'<form class="inline-form" method="post" action="/opinions/{opinion.pk}/support/" data-support'
            f' data-done="{escape(labels.done)}"><input type="hidden" name="csrfmiddlewaretoken" value="{self.csrf}">'
            f'<input type="hidden" name="next" value="{self.next_path}#opinion-{opinion.pk}">'
            f'<button type="submit" class="link-button support"{disabled}>'
            f"{escape(labels.support_format % {'count': count})}</button></form>"
        )

    def opinion(self, opinion) -> str:
        labels = self.labels
        created = localtime(opinion.created_at)
        head = [f'<strong class="opinion__name">{escape(opinion.public_name)}</strong>']
        if opinion.is_official:
            head.append(f'<span class="badge badge--official">{escape(labels.official)}</span>')
        if opinion.reply_to_id and opinion.reply_to_id != opinion.parent_id and opinion.reply_to is not None:
            answered = labels.reply_to_format % {"name": opinion.reply_to.public_name}
            head.append(f'<span class="muted">{escape(answered)}</span>')
        head.append(
            f'<time class="muted" datetime="{created.isoformat()}">{escape(date_format(created, "DATETIME_FORMAT"))}'
            "</time>"
        )
        actions = [self._support(opinion)]
        if self.can_post:
            reply_url = f"{self.new_url}?draft={opinion.draft_id}&amp;reply_to={opinion.pk}"
            actions.append(f'<a href="{reply_url}">{escape(labels.reply)}</a>')
        if not opinion.is_official and opinion.author_id != self.user_id:
            actions.append(f'<a class="muted" href="/opinions/{opinion.pk}/report/">{escape(labels.report)}</a>')
        # Contact details a proposer typed are blanked for every reader of a public page (issue 21 item 7).
        body = escape(redact_contact_details(opinion.body)).replace("\n", "<br>")
        official = " opinion__body--official" if opinion.is_official else ""
        return (
            f'<article class="opinion__body{official}"><header class="opinion__meta">{"".join(head)}</header>'
            f'<div class="opinion__text">{body}</div>{redline_html(proposal_of(opinion))}'
            f'<footer class="opinion__actions">{"".join(actions)}</footer></article>'
        )

    def html(self, opinion) -> SafeString:
        return mark_safe(self.opinion(opinion))  # noqa: S308 - built from escaped parts

    def thread_items(self, page) -> list[tuple]:
        """(opinion, its HTML, [(reply, its HTML), …]) for a thread page's template."""
        return [(o, self.html(o), [(r, self.html(r)) for r in replies]) for o, replies in page]
