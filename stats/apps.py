from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = _("统计")

    def ready(self):
        from drafts.extensions import register_draft_extension
        from stats.views import draft_block_context

        register_draft_extension(draft_block_context)
