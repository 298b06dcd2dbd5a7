"""Hooks through which apps further down (comments) add to the draft pages without drafts importing them.

An article extension is called with (request, draft, version, article row) and returns context for the
article page; the template it names is included below the article.
"""

from collections.abc import Callable

ArticleExtension = Callable[..., dict]
_article_extensions: list[ArticleExtension] = []


def register_article_extension(extension: ArticleExtension) -> ArticleExtension:
    if extension not in _article_extensions:
        _article_extensions.append(extension)
    return extension


def article_context(request, draft, version, article) -> dict:
    context: dict = {"article_extensions": []}
    for extension in _article_extensions:
        extra = extension(request, draft, version, article)
        context["article_extensions"].append(extra.pop("template"))
        context.update(extra)
    return context


_page_scripts: list[str] = []


def register_page_script(static_path: str) -> None:
    """A static script the draft page loads (e.g. to open an article's thread in place)."""
    if static_path not in _page_scripts:
        _page_scripts.append(static_path)


def page_scripts() -> list[str]:
    return list(_page_scripts)


_draft_extensions: list[ArticleExtension] = []


def register_draft_extension(extension: ArticleExtension) -> ArticleExtension:
    """Called with (request, draft, version) for the draft page; returns context and a template."""
    if extension not in _draft_extensions:
        _draft_extensions.append(extension)
    return extension


def draft_context(request, draft, version) -> dict:
    context: dict = {"draft_extensions": [], "page_scripts": page_scripts()}
    for extension in _draft_extensions:
        extra = extension(request, draft, version)
        context["draft_extensions"].append(extra.pop("template"))
        context.update(extra)
    return context
