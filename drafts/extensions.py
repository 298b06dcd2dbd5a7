"""Extension points of the draft pages, through which later apps (comments, search, stats) add to them
without drafts importing them (cms.extensions explains the mechanism).
"""

from cms.extensions import ExtensionPoint

article_extensions = ExtensionPoint(
    "drafts.article",
    "Called with (request, draft, version, article row); returns context and the `template` included below "
    "the article on its page.",
)
draft_extensions = ExtensionPoint(
    "drafts.draft",
    "Called with (request, draft, version) for the draft page; returns context and a `template`.",
)
draft_top_extensions = ExtensionPoint(
    "drafts.draft_top",
    "Called with (request, draft, version) for the draft page; returns context and a `template` shown above the "
    "text, in the first screen (the search box, how to comment on the draft as a whole).",
)
diff_extensions = ExtensionPoint(
    "drafts.diff",
    "Called with (old version, new version, [new provision ids]); returns {provision id: [items]} shown under "
    "the article of the newer version on the diff page (the opinions adopted into it).",
)
comparison_extensions = ExtensionPoint(
    "drafts.comparison",
    "Called with (old version, new version, [provision ids of both versions' articles]); returns {provision id: "
    "[drafts.comparison.ChangeNote]}: the reasons and opinions behind each article of the newer version in the "
    "修改前后对照表 (by the older version's id for an article the newer one deleted).",
)
comparison_warnings = ExtensionPoint(
    "drafts.comparison_warnings",
    "Called with (draft); returns [str] shown on the 修改对照表 export page (opinions marked 采纳 that no change "
    "points to, changes without a reason).",
)
page_scripts = ExtensionPoint("drafts.page_scripts", "Static scripts the draft page loads (paths under static/).")

register_article_extension = article_extensions.register
register_draft_extension = draft_extensions.register
register_draft_top_extension = draft_top_extensions.register
register_diff_extension = diff_extensions.register
register_comparison_extension = comparison_extensions.register
register_page_script = page_scripts.register
register_comparison_warning = comparison_warnings.register


def article_context(request, draft, version, article) -> dict:
    return article_extensions.collect_templates("article_extensions", request, draft, version, article)


def draft_context(request, draft, version) -> dict:
    return {
        **draft_top_extensions.collect_templates("draft_top_extensions", request, draft, version),
        **draft_extensions.collect_templates("draft_extensions", request, draft, version),
        "page_scripts": list(page_scripts),
    }


def diff_context(old, new, provision_ids: list[int]) -> dict[int, list]:
    return diff_extensions.merge_lists(old, new, provision_ids)


def comparison_notes(old, new, provision_ids: list[int]) -> dict[int, list]:
    return comparison_extensions.merge_lists(old, new, provision_ids)


def comparison_warning_list(draft) -> list[str]:
    return [warning for warnings in comparison_warnings.call(draft) for warning in warnings]
