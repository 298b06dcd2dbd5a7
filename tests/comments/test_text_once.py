"""One text per citizen and draft, held by the database too (issue 20, item 6).

opinion_post checks with a SELECT first; posts arriving at once with different submission keys all pass
it before any is stored, and the partial unique index `opinion_text_once` settles them.
"""

import threading
import uuid

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings

from comments import fingerprints, services
from comments.models import Channel, ModerationState, Opinion
from comments.services import OfflineOpinion, OpinionError

TEXT = "建议明确物业服务人的信息保护义务。"


def _row(draft, **values):
    values = {
        "draft": draft,
        "version_id": draft.current_version_id,
        "body": TEXT,
        "text_hash": fingerprints.text_hash(TEXT),
        **values,
    }
    return Opinion.objects.create(**values)


@pytest.mark.django_db
def test_the_database_refuses_a_citizens_second_copy_of_a_text_on_a_draft(draft, citizen, other):
    _row(draft, author=citizen)
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(draft, author=citizen)
    # Another citizen, a withdrawn copy, an opinion without a hash and replies by others are not covered.
    _row(draft, author=other)
    _row(draft, author=citizen, moderation_state=ModerationState.WITHDRAWN)
    _row(draft, author=citizen, text_hash="")
    assert Opinion.objects.filter(author=citizen).count() == 3


@pytest.mark.django_db
def test_offline_channels_keep_the_same_text_for_many_proposers(draft):
    """Contact-point batches, letters and e-mail store opinions without an author: identical texts of
    different proposers all stay."""
    version = draft.current_version
    for channel in (Channel.CONTACT_POINT, Channel.LETTER):
        services.opinions_import(
            draft=draft,
            version=version,
            channel=channel,
            opinions=[OfflineOpinion(body=TEXT, proposer_name=name) for name in ("王某", "李某", "赵某")],
        )
    assert Opinion.objects.filter(body=TEXT).count() == 6


@pytest.mark.django_db
def test_a_twin_stored_between_the_check_and_the_insert_is_refused_with_the_checks_message(draft, citizen):
    """The race, made to happen in one connection: the other request's opinion is stored right after this
    one's duplicate check has run, before its INSERT. The answer is the check's own."""
    digest = fingerprints.text_hash(TEXT)
    checks = []

    def the_other_request_commits_after_the_check(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.startswith("SELECT id, submission_key FROM comments_opinion") and not checks:
            checks.append(sql)
            _row(draft, author=citizen, moderation_state=ModerationState.PUBLISHED)
        return result

    with (
        connection.execute_wrapper(the_other_request_commits_after_the_check),
        pytest.raises(OpinionError, match="您已经提交过相同内容的意见") as refused,
    ):
        services.opinion_post(user=citizen, draft=draft, body=TEXT, submission_key=uuid.uuid4())
    assert checks and refused.value.code == "duplicate"
    assert list(Opinion.objects.filter(author=citizen).values_list("text_hash", flat=True)) == [digest]
    # The same submission key arriving twice still returns the first opinion, as before.
    key = uuid.uuid4()
    first, created = services.opinion_post(user=citizen, draft=draft, body="另一条意见的内容。", submission_key=key)
    again, created_again = services.opinion_post(
        user=citizen, draft=draft, body="另一条意见的内容。", submission_key=key
    )
    assert created and not created_again and again.pk == first.pk


@override_settings(OPINION_RATE_PER_USER_MINUTE=100, OPINION_RATE_PER_USER_DAY=100)
@pytest.mark.django_db(transaction=True)
def test_five_posts_of_one_text_at_once_with_different_keys_store_one(draft, citizen):
    """Five requests at once (threads with their own PostgreSQL connections): one opinion, four refusals
    with the duplicate message."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are serialised by SQLite; the race is PostgreSQL's")
    barrier, made, refused, errors = threading.Barrier(5), [], [], []

    def press():
        try:
            barrier.wait(10)
            opinion, created = services.opinion_post(
                user=citizen, draft=draft, body=TEXT, submission_key=uuid.uuid4(), ip="10.0.0.7"
            )
            made.append((opinion.pk, created))
        except OpinionError as exc:
            refused.append(exc.code)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    for _round in range(3):  # three rounds (the one opinion is withdrawn after each) give the race more chances
        threads = [threading.Thread(target=press) for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert errors == []
        assert len(made) == 1 and made[0][1] is True and refused == ["duplicate"] * 4
        stored = Opinion.objects.filter(author=citizen, body=TEXT).exclude(moderation_state=ModerationState.WITHDRAWN)
        assert stored.count() == 1
        Opinion.objects.filter(author=citizen).update(moderation_state=ModerationState.WITHDRAWN)
        made.clear()
        refused.clear()


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([("comments", target)])
    executor.loader.build_graph()
    return executor.loader.project_state([("comments", target)]).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_clears_the_hash_of_later_copies_so_the_index_can_be_built(
    draft, citizen, other, latest_schema_after
):
    digest = fingerprints.text_hash(TEXT)
    old = _migrate("0014_regroup_schedule")
    Opinion_ = old.get_model("comments", "Opinion")
    base = {"draft_id": draft.pk, "version_id": draft.current_version_id, "body": TEXT, "text_hash": digest}
    first = Opinion_.objects.create(author_id=citizen.pk, **base)
    copies = [Opinion_.objects.create(author_id=citizen.pk, **base) for _ in range(2)]
    withdrawn = Opinion_.objects.create(author_id=citizen.pk, moderation_state="withdrawn", **base)
    others = Opinion_.objects.create(author_id=other.pk, **base)
    offline = [Opinion_.objects.create(channel="contact_point", moderation_state="internal", **base) for _ in "ab"]

    _migrate("0015_opinion_text_once")
    hashes = dict(Opinion.objects.values_list("pk", "text_hash"))
    assert hashes[first.pk] == digest and all(hashes[c.pk] == "" for c in copies)
    assert hashes[withdrawn.pk] == hashes[others.pk] == digest and all(hashes[o.pk] == digest for o in offline)
    assert Opinion.objects.count() == 7  # nothing deleted
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(draft, author=citizen)


@pytest.mark.django_db
def test_regrouping_groups_a_cleared_copy_without_storing_its_hash_again(draft, citizen, other):
    """A copy whose hash the migration cleared is still grouped with its text; the regrouping does not
    write the hash back (which the index would refuse)."""
    from comments.clusters import draft_clusters_update

    first = _row(draft, author=citizen, moderation_state=ModerationState.PUBLISHED)
    copy = _row(draft, author=citizen, moderation_state=ModerationState.PUBLISHED, text_hash="")
    letter = _row(draft, channel=Channel.LETTER, moderation_state=ModerationState.INTERNAL, text_hash="")
    assert draft_clusters_update(draft.pk) == 3
    rows = {pk: (group, digest) for pk, group, digest in Opinion.objects.values_list("pk", "cluster", "text_hash")}
    assert rows[copy.pk] == (first.pk, "") and rows[first.pk][0] == rows[letter.pk][0] == first.pk
    assert rows[letter.pk][1] == fingerprints.text_hash(TEXT)
