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
from drafts.version_diff import redline_html as diff_redline

__all__ = [
    "Outcome",
    "outcome_of",
    "plain_text",
    "proposal_of",
    "redline_html",
    "redline_parts",
    "redline_plain",
    "shows_outcome",
]


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


def redline_html(proposal: Proposal | None) -> SafeString:
    """The proposal as HTML: a heading and the redline, every piece of text escaped ("" without one)."""
    if proposal is None:
        return mark_safe("")
    heading, parts = redline_parts(proposal)
    body = diff_redline(parts)  # the one accessible redline, as the version diff shows changes
    return mark_safe(  # noqa: S308 - built from escaped parts
        f'<div class="proposal proposal--{escape(proposal.kind)}"><p class="proposal__head">{escape(heading)}</p>'
        f'<p class="proposal__text">{body}</p></div>'
    )


def plain_text(heading: str, parts) -> str:
    """A redline's heading and parts as plain text with 〔删：…〕〔增：…〕 markers, for spreadsheet cells."""
    marks = {DELETE: "〔删：%s〕", INSERT: "〔增：%s〕", EQUAL: "%s"}
    colon = "" if heading.endswith("：") else "："
    return heading + colon + "".join(marks[op] % text for op, text in parts)


def redline_plain(proposal: Proposal | None) -> str:
    """The proposal as plain text with 〔删：…〕〔增：…〕 markers ("" without one)."""
    return plain_text(*redline_parts(proposal)) if proposal is not None else ""


@dataclass(frozen=True)
class Outcome:
    """What an adopted opinion's article became: 「修改为：」 the label and text of a published article."""

    label: str
    text: str


def shows_outcome(
    *, disposition: str, draft_id: int, result_draft_id: int | None, result_number: int | None, current_number
) -> bool:
    """Whether an opinion's resulting article is shown as 「修改为」: the opinion is adopted or partly adopted,
    and the article is in the same draft's current version or an earlier one (``current_number`` is the
    current version's number). A working copy's article is not published text."""
    return (
        disposition in ADOPTING
        and result_draft_id == draft_id
        and result_number is not None
        and current_number is not None
        and result_number <= current_number
    )


def outcome_of(opinion, current_number: int | None) -> Outcome | None:
    """The published article an adopted (or partly adopted) opinion went into, or None (shows_outcome)."""
    article = opinion.resulting_article if opinion.resulting_article_id else None
    if article is None:
        return None
    version = article.version
    shown = shows_outcome(
        disposition=opinion.disposition,
        draft_id=opinion.draft_id,
        result_draft_id=version.draft_id,
        result_number=version.number,
        current_number=current_number,
    )
    return Outcome(label=article.label, text=article.text) if shown else None
