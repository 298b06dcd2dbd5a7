"""The staff workspace's filters, written once as a FilterSet and used by the view and the selector alike."""

import pytest
from django.urls import reverse

from comments.models import Channel, Disposition, ModerationState, Opinion
from comments.tallies import opinion_tally
from handling import selectors
from handling.filters import OpinionStaffFilterSet

pytestmark = pytest.mark.django_db


def _opinion(draft, author, body, article=None, **fields):
    return Opinion.objects.create(
        draft=draft,
        version=draft.current_version,
        article=article,
        author=author,
        body=body,
        moderation_state=fields.pop("moderation_state", ModerationState.PUBLISHED),
        **fields,
    )


@pytest.fixture
def opinions(draft, article, citizen, staff):
    last_article = draft.current_version.provisions.get(kind="article", number=10)
    return {
        "whole": _opinion(draft, citizen, "对草案整体的意见"),
        "five": _opinion(draft, citizen, "第五条的意见，关于公示", article, support_count=4, assignee=staff),
        "one": _opinion(draft, citizen, "第十条的意见", last_article, disposition=Disposition.ADOPTED),
        "pending": _opinion(draft, citizen, "待审核的意见", article, moderation_state=ModerationState.PENDING),
        "offline": _opinion(draft, citizen, "来信的意见", article, channel=Channel.LETTER),
    }


def _bodies(filters) -> list[str]:
    return [o.body for o in selectors.opinion_list_staff(filters=filters)]


def test_each_filter_narrows_the_list(draft, opinions, staff):
    base = {"draft": str(draft.pk)}
    # Unfiltered, the list is what there is to handle: published and internal, not the text awaiting
    # moderation; the same count as every figure (the tally).
    assert len(_bodies(base)) == 4 and "待审核的意见" not in _bodies(base)
    assert len(_bodies(base)) == opinion_tally(draft_id=draft.pk).count
    assert len(_bodies(base | {"state": "all"})) == 5
    assert _bodies(base)[0] == "对草案整体的意见"  # opinions on the draft as a whole come first
    assert _bodies(base | {"article": "10"}) == ["第十条的意见"]
    assert _bodies(base | {"channel": Channel.LETTER}) == ["来信的意见"]
    assert _bodies(base | {"state": ModerationState.PENDING}) == ["待审核的意见"]
    assert _bodies(base | {"disposition": Disposition.ADOPTED}) == ["第十条的意见"]
    assert _bodies(base | {"assignee": str(staff.pk)}) == ["第五条的意见，关于公示"]
    assert "第五条的意见，关于公示" not in _bodies(base | {"assignee": "none"})
    assert _bodies(base | {"min_support": "3"}) == ["第五条的意见，关于公示"]
    assert _bodies(base | {"q": "公示"}) == ["第五条的意见，关于公示"]
    chapters = OpinionStaffFilterSet(base).form.fields["chapter"].choices
    assert [label for _, label in chapters] == ["全部", "第一章 总则", "第二章 附则"]
    assert _bodies(base | {"chapter": str(chapters[2][0])}) == ["第十条的意见"]
    assert "第十条的意见" not in _bodies(base | {"chapter": str(chapters[1][0])})


def test_the_newest_draft_is_chosen_when_none_is_asked_for(draft, opinions):
    filterset = OpinionStaffFilterSet({})
    assert filterset.draft == draft
    assert len(selectors.opinion_list_staff(filterset=filterset)) == 4


def test_a_bad_value_is_reported_and_ignored_and_an_unknown_draft_lists_nothing(draft, opinions):
    filterset = OpinionStaffFilterSet({"draft": str(draft.pk), "article": "第五条", "channel": "online"})
    assert not filterset.is_valid() and "article" in filterset.errors
    assert {o.body for o in selectors.opinion_list_staff(filterset=filterset)} == {
        "对草案整体的意见",
        "第五条的意见，关于公示",
        "第十条的意见",
    }
    assert _bodies({"draft": "999999"}) == []
    assert _bodies({"draft": "abc"}) == []


def test_the_workspace_page_shows_the_filter_errors_and_filtered_rows(client, draft, opinions, staff):
    client.force_login(staff)
    url = reverse("opinions_all")
    page = client.get(url, {"draft": draft.pk, "min_support": "-1", "q": "公示"}).content.decode()
    assert "第五条的意见，关于公示" in page and "第十条的意见" not in page
    assert page.count("error-message") == 1  # the bad minimum is reported beside its field
    assert client.get(url, {"draft": "abc"}).status_code == 200


def test_export_jobs_are_listed_per_draft_and_filter_by_content_and_state(client, draft, staff):
    from handling.filters import ExportJobFilterSet
    from handling.models import ExportJob, ExportState
    from handling.selectors import export_job_list

    done = ExportJob.objects.create(draft=draft, format="docx", state=ExportState.DONE)
    failed = ExportJob.objects.create(draft=draft, format="xlsx", state=ExportState.FAILED)
    assert list(export_job_list(filters={})) == [failed, done]  # the newest draft, newest job first
    assert list(export_job_list(filters={"format": "docx"})) == [done]
    assert list(export_job_list(filters={"draft": str(draft.pk), "state": ExportState.FAILED})) == [failed]
    assert list(export_job_list(filters={"draft": "999999"})) == []
    assert "format" in ExportJobFilterSet({"format": "pdf"}).errors
    client.force_login(staff)
    url = reverse("opinions_exports")
    page = client.get(url, {"draft": draft.pk, "state": ExportState.FAILED}).content.decode()
    assert f'data-export="{failed.pk}"' in page and f'data-export="{done.pk}"' not in page
    assert client.get(url, {"draft": "999999"}).status_code == 404
