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


def connect() -> None:
    from drafts.extensions import register_comparison_extension

    register_comparison_extension(change_notes)
