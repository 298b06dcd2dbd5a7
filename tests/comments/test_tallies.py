"""Opinion counts computed once (comments.tallies): the staff workspace, the export page, the adoption table, the
summary report, the public feedback and the statistics give the same figures on the same data, and opinions
moderation has not let through (pending, rejected, hidden, withdrawn) and replies never count."""

import io
import re

import docx
import pytest
from django.urls import reverse

from comments.models import Channel, Disposition, ModerationState
from comments.selectors import feedback_summary
from comments.tallies import OpinionTally, opinion_tallies, opinion_tally, percent
from handling import exports
from stats import dashboards, services
from tests.handling.test_exports import at_contact_point, make, offline

pytestmark = pytest.mark.django_db

A, P, N, U = Disposition.ADOPTED, Disposition.PARTLY_ADOPTED, Disposition.NOT_ADOPTED, Disposition.UNDECIDED


@pytest.fixture
def opinions(draft, article, citizen):
    """9 counted opinions (5 handled: 2 adopted, 1 partly adopted, 1 not adopted, 1 merged; 4 undecided) from
    every channel, and online opinions and a reply that must not count, two of them wrongly marked adopted."""
    counted = [
        make(draft, article, author=citizen, disposition=A),
        make(draft, article, author=citizen, disposition=A),
        make(draft, article, author=citizen, disposition=N, disposition_reason="上位法已有规定"),
        make(draft, None, author=citizen, disposition=U),
        make(draft, None, author=citizen, disposition=Disposition.MERGED),
        at_contact_point(draft, article, disposition=P, disposition_reason="部分采纳"),
        at_contact_point(draft, None, disposition=U),
        offline(draft, article, channel=Channel.LETTER, disposition=U),
        offline(draft, None, channel=Channel.EMAIL, disposition=U),
    ]
    not_counted = [
        make(draft, article, author=citizen, moderation_state=ModerationState.PENDING),
        make(draft, article, author=citizen, moderation_state=ModerationState.PENDING, disposition=A),
        make(draft, article, author=citizen, moderation_state=ModerationState.REJECTED, disposition=A),
        make(draft, article, author=citizen, moderation_state=ModerationState.REJECTED),
        make(draft, None, author=citizen, moderation_state=ModerationState.HIDDEN),
        make(draft, None, author=citizen, moderation_state=ModerationState.WITHDRAWN),
        make(draft, article, author=citizen, parent=counted[0], reply_to=counted[0]),
    ]
    return counted, not_counted


EXPECTED = {"count": 9, "undecided": 4, "handled": 5, "adopted": 3, "rate": "60.0%"}


def test_a_tally_counts_only_what_moderation_let_through_and_the_internal_channels(draft, opinions):
    tally = opinion_tally(draft_id=draft.pk)
    assert (tally.count, tally.undecided, tally.handled, tally.adopted, tally.rate_text) == tuple(EXPECTED.values())
    assert tally.by_disposition == {"adopted": 2, "not_adopted": 1, "undecided": 4, "merged": 1, "partly_adopted": 1}
    by_channel = opinion_tallies("channel", draft_id=draft.pk)
    assert {c: t.count for c, t in by_channel.items()} == {"online": 5, "contact_point": 2, "letter": 1, "email": 1}
    assert OpinionTally.total(by_channel.values()) == tally


def test_a_tally_adds_up_and_has_no_rate_until_something_is_handled():
    empty = OpinionTally()
    assert (empty.count, empty.handled, empty.rate, empty.rate_text) == (0, 0, None, "—")
    one = OpinionTally({"undecided": 2, "forwarded": 1, "adopted": 0})
    two = OpinionTally({"partly_adopted": 1, "not_adopted": 2})
    both = one + two
    assert both.by_disposition == {"undecided": 2, "forwarded": 1, "partly_adopted": 1, "not_adopted": 2}
    assert (both.count, both.handled, both.adopted, both.forwarded) == (6, 4, 1, 1)
    assert both.rate == 0.25 and percent(both.rate) == "25.0%" == both.rate_text


def _workspace_figures(client, draft) -> dict[str, str]:
    page = client.get(reverse("opinions_all"), {"draft": draft.pk}).content.decode()
    line = re.search(r'data-role="counted">(.*?)</p>', page, re.DOTALL).group(1)
    return {
        "count": re.search(r"计入统计 (\d+) 条", line).group(1),
        "undecided": re.search(r"待处理 (\d+)", line).group(1),
        "adopted": re.search(r"采纳 (\d+)", line).group(1),
        "rate": re.search(r"采纳率 (\S+%)", line).group(1),
    }


def test_workspace_export_page_adoption_table_report_feedback_and_statistics_agree(client, draft, staff, opinions):
    client.force_login(staff)
    # The staff workspace: its totals line.
    assert _workspace_figures(client, draft) == {"count": "9", "undecided": "4", "adopted": "2", "rate": "60.0%"}

    # The export page.
    page = client.get(reverse("opinions_exports"), {"draft": draft.pk}).content.decode()
    assert "目前有 9 条意见计入导出" in page

    # The adoption table: its title block and its rows.
    totals = dict(exports.table_meta(draft).totals)
    assert (totals["意见总数"], totals["待处理"], totals["采纳"], totals["部分采纳"]) == (9, 4, 2, 1)
    assert exports.export_docx(io.BytesIO(), draft.pk) == 9 == exports.export_count(draft.pk)

    # The summary report: its figures and the words of its overview.
    figures = exports.summary_figures(draft.pk)
    assert (figures.total.count, figures.total.handled, figures.total.adopted) == (9, 5, 3)
    out = io.BytesIO()
    exports.export_summary(out, draft.pk)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(out.getvalue())).paragraphs)
    assert "共收到意见9条" in text and "已处理5条" in text and "尚待处理4条" in text and "采纳率为60.0%" in text

    # The public feedback.
    feedback_totals, _articles = feedback_summary(draft.pk)
    assert sum(feedback_totals.values()) == 9 and feedback_totals["undecided"] == 4

    # The statistics: the kept figures and the dashboard made of them.
    kept = services.draft_tally_refresh(draft.pk)
    assert kept.data["total"] == 9 and OpinionTally(kept.data["dispositions"]) == opinion_tally(draft_id=draft.pk)
    summary = {str(f.label): f for f in dashboards.draft_dashboard(draft, kept, article_href=str)["summary"]}
    assert summary["意见总数"].value == "9"
    assert summary["已处理"].value == "5"
    assert summary["采纳率（含部分采纳）"].value == "60.0%" and summary["采纳率（含部分采纳）"].note == "3 条"


def test_counts_change_with_moderation_everywhere_at_once(client, draft, staff, moderator, opinions):
    from comments import services as comments

    _counted, not_counted = opinions
    pending_adopted = not_counted[1]
    comments.opinions_moderate(moderator=moderator, opinion_ids=[pending_adopted.pk], action="publish")
    client.force_login(staff)
    figures = _workspace_figures(client, draft)
    assert figures["count"] == "10" and figures["adopted"] == "3"
    assert "目前有 10 条意见计入导出" in client.get(reverse("opinions_exports"), {"draft": draft.pk}).content.decode()
    assert dict(exports.table_meta(draft).totals)["意见总数"] == 10
    assert services.draft_tally_refresh(draft.pk).data["total"] == 10
    assert opinion_tally(draft_id=draft.pk).rate_text == "66.7%"  # (3 + 1) / 6
