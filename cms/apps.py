from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("站点与账号")

    def ready(self):
        from cms import checks, directory  # noqa: F401  (register the checks and the directory's error receiver)
