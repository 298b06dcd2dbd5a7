from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = _("运维")

    def ready(self):
        from ops import checks  # noqa: F401 - registers the deploy checks
