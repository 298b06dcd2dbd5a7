from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("搜索")

    def ready(self):
        """Search listens to the other apps (nothing imports it): their saves queue a catch-up."""
        from django.db.models.signals import post_save
        from wagtail.signals import page_published

        from comments.models import Opinion
        from drafts.models import DraftVersion
        from search.services import schedule_catch_up

        def changed(**kwargs):
            schedule_catch_up()

        for model in (Opinion, DraftVersion):
            post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"search-{model.__name__}")
        page_published.connect(changed, weak=False, dispatch_uid="search-page-published")

        from drafts.extensions import register_draft_top_extension
        from search.views import draft_search_block

        register_draft_top_extension(draft_search_block)
