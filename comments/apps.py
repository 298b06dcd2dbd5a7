from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("意见")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from comments import sensitive
        from comments.models import SensitiveWord
        from comments.selectors import adopted_change_notes
        from comments.views import adopted_behind_changes, draft_block_context, thread_context
        from drafts.extensions import (
            register_article_extension,
            register_comparison_extension,
            register_diff_extension,
            register_draft_top_extension,
            register_page_script,
        )

        register_article_extension(thread_context)
        register_draft_top_extension(draft_block_context)
        register_diff_extension(adopted_behind_changes)
        register_comparison_extension(adopted_change_notes)
        register_page_script("comments/js/thread.js")
        from django.core.cache import cache
        from wagtail.models import PageViewRestriction

        for signal in (post_save, post_delete):
            signal.connect(lambda **kwargs: sensitive.invalidate(), sender=SensitiveWord, weak=False)
            signal.connect(
                lambda **kwargs: cache.delete("comments:view-restrictions"), sender=PageViewRestriction, weak=False
            )
