"""Who may do what: the role predicates every app's `rules.py` builds its permissions from.

Permissions live in one place per app (`<app>/rules.py`, like consul's abilities), written with the
`rules` package as predicates and checked everywhere the same way: `user.has_perm(perm, obj)` in views,
services, exports and search. Role membership is read from the names `cms.models.User.has_role` loads
once per request, so a check on the posting path costs no query.
"""

import rules

from cms.roles import Role


def _role(role: Role):
    @rules.predicate(name=f"has_role:{role.value}")
    def member(user) -> bool:
        return bool(user and user.is_authenticated and user.has_role(role))

    return member


is_authenticated = rules.is_authenticated
is_superuser = rules.is_superuser
# Staff (法工委工作人员): the one definition, used by every rule that means "staff".
is_staff = is_superuser | _role(Role.STAFF)
is_moderator = is_superuser | _role(Role.MODERATOR)
is_coordinator = _role(Role.COORDINATOR)
is_liaison = _role(Role.LIAISON)


def may_see_unpublished_pages(user) -> bool:
    """Whether the admin may show `user` pages that are not live and public (drafts being prepared): to the
    superuser and to people with a permission on some page (staff); a moderator or coordinator sees the live
    public pages only, in choosers, filters and listings alike (issue 21 item 12)."""
    from wagtail.models import GroupPagePermission

    if not (user and user.is_authenticated):
        return False
    return user.is_superuser or GroupPagePermission.objects.filter(group__user=user).exists()
