"""Template tags showing an opinion's proposed wording and what an adopted opinion's article became."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from comments.redline import outcome_of, proposal_of, redline_html

register = template.Library()


@register.simple_tag
def proposal_redline(opinion) -> SafeString:
    """The opinion's proposal as a redline against the text it was made on ("" without one)."""
    return redline_html(proposal_of(opinion))


@register.filter
def redline(proposal) -> SafeString:
    """A proposal (not yet an opinion's: a batch item's) as a redline ("" for None)."""
    return redline_html(proposal)


@register.simple_tag
def adopted_outcome(opinion) -> SafeString:
    """「修改为：」 with the label and text of the published article an adopted opinion went into ("" if none).

    Reads ``opinion.draft.current_version`` and ``opinion.resulting_article.version``: the selector
    behind the page loads them with the opinion."""
    current = opinion.draft.current_version
    outcome = outcome_of(opinion, current.number if current is not None else None)
    if outcome is None:
        return mark_safe("")
    text = escape(outcome.text).replace("\n", "<br>")
    return mark_safe(  # noqa: S308 - built from escaped parts
        f'<div class="proposal proposal--outcome"><p class="proposal__head">{escape(_("修改为："))}</p>'
        f'<p class="proposal__text"><strong>{escape(outcome.label)}</strong>　{text}</p></div>'
    )
