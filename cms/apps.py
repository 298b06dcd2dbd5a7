from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("站点与账号")

    def ready(self):
        from cms import (
            access_audit,
            checks,  # noqa: F401  (registers the deployment checks)
            directory,  # noqa: F401  (registers the directory's checks and error receiver)
            two_factor,
        )

        # The sign-in receivers connect on import; the membership ones need the user model's through tables.
        access_audit.connect_membership_signals()
        access_audit.connect_group_permission_signal()
        two_factor.register_checks()
