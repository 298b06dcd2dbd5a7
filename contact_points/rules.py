"""Permissions of the contact points app: a coordinator acts for their own points only."""

import rules


@rules.predicate
def is_point_coordinator(user, point) -> bool:
    """The user is a coordinator of this (active) contact point."""
    if point is None or not user.is_authenticated or not point.is_active:
        return False
    return point.coordinators.filter(pk=user.pk).exists()


# Record meetings, upload notes, build and submit batches, read the point's feedback.
rules.add_perm("contact_points.work_for_point", is_point_coordinator)
