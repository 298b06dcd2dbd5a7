"""Near-duplicate groups are kept up to date incrementally: only new opinions are compared, and the result
is the same as grouping the whole draft again (comments.clusters.group_texts)."""

import random

import pytest
from django.core.management import call_command

from comments import clusters
from comments.models import ClusterBand, ModerationState, Opinion

pytestmark = pytest.mark.django_db

P = "业主大会应当依法设立业主委员会并定期公开物业服务收支情况"
Q = "物业服务企业不得擅自提高收费标准或者减少服务内容损害业主权益"
R = "街道办事处应当指导和监督业主委员会的日常工作并及时调处纠纷"


def _post(draft, article, body, state=ModerationState.PUBLISHED):
    return Opinion.objects.create(
        draft=draft, version=draft.current_version, article=article, body=body, moderation_state=state
    )


def _stored(draft) -> dict[int, list[int]]:
    groups: dict[int, list[int]] = {}
    for pk, cluster in Opinion.objects.filter(draft=draft, parent__isnull=True).values_list("pk", "cluster"):
        if cluster is not None:
            groups.setdefault(cluster, []).append(pk)
    for root, members in groups.items():
        assert Opinion.objects.filter(pk__in=members).values_list("cluster_size", flat=True).distinct().get() == len(
            members
        ), root
    return {root: sorted(members) for root, members in groups.items()}


def _from_scratch(draft) -> dict[int, list[int]]:
    rows = list(
        Opinion.objects.filter(draft=draft, parent__isnull=True)
        .exclude(moderation_state=ModerationState.WITHDRAWN)
        .order_by("pk")
        .values_list("pk", "body")
    )
    return clusters.group_texts(rows)


def test_a_new_opinion_close_to_two_groups_merges_them(draft, article):
    a = [_post(draft, article, P + Q + "。" * i) for i in range(2)]
    b = [_post(draft, article, Q + R + "！" * i) for i in range(2)]
    clusters.draft_clusters_update(draft.pk)
    assert _stored(draft) == {a[0].pk: [o.pk for o in a], b[0].pk: [o.pk for o in b]}
    bridge = _post(draft, article, P + Q + R)
    assert clusters.draft_clusters_update(draft.pk) == 1  # only the new opinion is compared
    merged = sorted([o.pk for o in a + b] + [bridge.pk])
    assert _stored(draft) == {a[0].pk: merged} == _from_scratch(draft)


@pytest.mark.parametrize("seed", [7, 8, 9])
def test_incremental_grouping_equals_grouping_everything_again(draft, article, seed):
    rng = random.Random(seed)
    phrases = [P, Q, R, "建议明确维修资金的申请程序和使用期限", "停车位应当首先满足本区域业主的需要"]
    phrases.append("请增加电梯加装的规定")  # short: no bands, grouped only with its exact twins
    for batch in range(4):
        for _ in range(25):
            body = "".join(rng.sample(phrases, rng.randint(1, 3))) + rng.choice(["", "。", "！", "，请研究"])
            state = rng.choice([ModerationState.PUBLISHED, ModerationState.INTERNAL, ModerationState.PENDING])
            _post(draft, article, body, state)
        clusters.draft_clusters_update(draft.pk)
        assert _stored(draft) == _from_scratch(draft), f"after batch {batch}"
    assert not Opinion.objects.filter(draft=draft, clustered=False).exists()
    # Band rows: at most eight per distinct text, not one per opinion.
    assert ClusterBand.objects.filter(draft=draft).count() <= 8 * len(set(Opinion.objects.values_list("body")))


def test_the_regroup_command_rebuilds_from_nothing(draft, article, capsys):
    for i in range(3):
        _post(draft, article, P + Q + "。" * i)
    lone = _post(draft, article, R)
    clusters.draft_clusters_update(draft.pk)
    Opinion.objects.filter(pk=lone.pk).update(cluster=999999, cluster_size=7)  # damaged by hand
    call_command("regroup_opinions", "--draft", draft.slug)
    assert _stored(draft) == _from_scratch(draft)
    assert "4" in capsys.readouterr().out


def test_the_schedule_places_what_no_task_placed(draft, article):
    posts = [_post(draft, article, P + Q + "。" * i) for i in range(3)]  # online posts queue no regrouping
    assert clusters.regroup_pending() == 3
    assert _stored(draft) == {posts[0].pk: [p.pk for p in posts]}
    assert clusters.regroup_pending() == 0
