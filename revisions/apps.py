from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RevisionsConfig(AppConfig):
    name = "revisions"
    verbose_name = _("修改稿")

    def ready(self):
        from revisions import extensions

        extensions.connect()
