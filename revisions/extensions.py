"""What the revision workspace adds to the pages and documents of other apps (cms.extensions)."""

from drafts.comparison import ChangeNote


def change_notes(old, new, provision_ids: list[int]) -> dict[int, list[ChangeNote]]:
    """The 对照表's extension: the reasons (where staff left them public) and the linked opinions of the changes
    a working copy published, by the article each became (or, for a deleted one, the article it was)."""
    from revisions.models import RevisionLink, RevisionNode

    nodes = RevisionNode.objects.filter(
        revision__published_version=new, revision__base_version=old, kind="article"
    ).values_list("pk", "published_provision_id", "source_id", "deleted", "reason", "reason_public")
    keyed: dict[int, int] = {}
    found: dict[int, list[ChangeNote]] = {}
    wanted = set(provision_ids)
    for pk, published, source, deleted, reason, public in nodes:
        key = source if deleted else published
        if key is None or key not in wanted:
            continue
        keyed[pk] = key
        if public and reason.strip():
            found.setdefault(key, []).append(ChangeNote(reasons=(reason,)))
    if keyed:
        links = RevisionLink.objects.filter(node_id__in=list(keyed)).values_list("node_id", "opinion_id")
        for node_id, opinion_id in links.order_by("opinion_id"):
            found.setdefault(keyed[node_id], []).append(ChangeNote(opinions=(opinion_id,)))
    return found


def text_warnings(draft) -> list[str]:
    """Before an export: opinions marked 采纳 or 部分采纳 that no change of the text points to (neither a
    published article nor a change of the open working copy), and changes of the open copy, or of the last
    published one, without a reason."""
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    from revisions import selectors
    from revisions.models import Revision, RevisionStatus

    revision = selectors.open_revision(draft) or (
        Revision.objects.filter(draft=draft, status=RevisionStatus.PUBLISHED).order_by("-published_at").first()
    )
    warnings = []
    unlinked = selectors.adopted_unlinked(draft)
    if unlinked:
        warnings.append(
            ngettext(
                "%(n)s 条标为采纳或部分采纳的意见没有关联到条文的修改（例如第 %(ids)s 号）。",
                "%(n)s 条标为采纳或部分采纳的意见没有关联到条文的修改（例如第 %(ids)s 号）。",
                unlinked.count(),
            )
            % {"n": unlinked.count(), "ids": "、".join(str(pk) for pk in unlinked.values_list("pk", flat=True)[:5])}
        )
    if revision is not None:
        missing = selectors.changes_without_reason(revision)
        if missing:
            warnings.append(
                _("修改稿中 %(n)s 处修改没有写修改理由：%(labels)s。")
                % {"n": len(missing), "labels": "、".join(node.label for node in missing[:10])}
            )
    return warnings


def connect() -> None:
    from drafts.extensions import register_comparison_extension, register_comparison_warning
    from handling.extensions import export_warnings

    register_comparison_extension(change_notes)
    register_comparison_warning(text_warnings)
    export_warnings.register(text_warnings)
