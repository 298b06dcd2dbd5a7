from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DraftsConfig(AppConfig):
    name = "drafts"
    verbose_name = _("法规草案")

    def ready(self):
        from drafts import lookup

        lookup.connect()
