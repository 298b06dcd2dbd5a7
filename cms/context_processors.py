from django.conf import settings

from cms.roles import Role


def site(request):
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.SITE_NAME,
        # A callable: templates call it only where the navigation asks (one groups query, cached on the user).
        "is_coordinator": lambda: user is not None and user.has_role(Role.COORDINATOR),
        "is_liaison": lambda: user is not None and user.has_role(Role.LIAISON),
    }
