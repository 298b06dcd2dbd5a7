"""A proposed wording (修改建议) shown as a redline against the text it was made on.

One rendering for every place an opinion appears: the public thread, 「我的意见」, the staff pages
(through the ``proposal_redline`` template tag) and the exports (``redline_parts`` for Word runs,
``redline_plain`` for a spreadsheet cell). The differences are drafts.text_diff's ``char_diff``,
always between the proposal's own ``base_text`` and its ``text``: a proposal made on an older version
keeps showing the change it proposed to that version's text.

Deletions are <del> and insertions <ins>, each starting with words only a screen reader reads
(「删除：」「增加：」), so that neither colour nor strike-through alone carries the meaning.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from comments.models import ADOPTING, Proposal, ProposalKind
from drafts.text_diff import DELETE, EQUAL, INSERT, char_diff

__all__ = ["Outcome", "outcome_of", "proposal_of", "redline_html", "redline_parts", "redline_plain"]


def proposal_of(opinion) -> Proposal | None:
    """The opinion's proposal, or None (a missing reverse one-to-one raises an AttributeError)."""
    return getattr(opinion, "proposal", None)


def redline_parts(proposal: Proposal) -> tuple[str, list[tuple[str, str]]]:
    """(heading, [(operation, text)]) of a proposal: what the heading says and the marked text under it.

    A modification is the character diff of the base text and the proposed one; an added article is all
    inserted; a deletion is the whole base text struck through.
    """
    if proposal.kind == ProposalKind.DELETE:
        return _("建议删除本条"), [(DELETE, proposal.base_text)] if proposal.base_text else []
    if proposal.kind == ProposalKind.INSERT:
        return _("建议在本条后增加一条："), [(INSERT, proposal.text)] if proposal.text else []
    return _("建议修改为："), char_diff(proposal.base_text, proposal.text)


def _marked(op: str, text: str, labels: dict[str, str]) -> str:
    body = escape(text).replace("\n", "<br>")
    if op == EQUAL:
        return body
    tag = "del" if op == DELETE else "ins"
    return f'<{tag}><span class="visually-hidden">{escape(labels[op])}</span>{body}</{tag}>'


def redline_html(proposal: Proposal | None) -> SafeString:
    """The proposal as HTML: a heading and the redline, every piece of text escaped ("" without one)."""
    if proposal is None:
        return mark_safe("")
    heading, parts = redline_parts(proposal)
    labels = {DELETE: _("删除："), INSERT: _("增加：")}
    body = "".join(_marked(op, text, labels) for op, text in parts)
    return mark_safe(  # noqa: S308 - built from escaped parts
        f'<div class="proposal proposal--{escape(proposal.kind)}"><p class="proposal__head">{escape(heading)}</p>'
        f'<p class="proposal__text">{body}</p></div>'
    )


def redline_plain(proposal: Proposal | None) -> str:
    """The proposal as plain text with 〔删：…〕〔增：…〕 markers, for spreadsheet cells."""
    if proposal is None:
        return ""
    heading, parts = redline_parts(proposal)
    if proposal.kind == ProposalKind.DELETE:
        return f"{heading}：〔删：{proposal.base_text}〕"
    marks = {DELETE: "〔删：%s〕", INSERT: "〔增：%s〕", EQUAL: "%s"}
    return heading + "".join(marks[op] % text for op, text in parts)


@dataclass(frozen=True)
class Outcome:
    """What an adopted opinion's article became: 「修改为：」 the label and text of a published article."""

    label: str
    text: str


def outcome_of(opinion, current_number: int | None) -> Outcome | None:
    """The article an adopted (or partly adopted) opinion went into, when its version is published: the
    draft's current version or an earlier one (``current_number`` is the current version's number).
    A working copy's article is not published text and is never shown."""
    article = opinion.resulting_article if opinion.resulting_article_id else None
    if article is None or opinion.disposition not in ADOPTING or current_number is None:
        return None
    version = article.version
    if version.draft_id != opinion.draft_id or version.number > current_number:
        return None
    return Outcome(label=article.label, text=article.text)
