"""Hooks through which apps further down (comments) add to the draft pages without drafts importing them.

An article extension is called with (request, draft, version, article row) and returns context for the
article page; the template it names is included below the article.
"""

from collections.abc import Callable

ArticleExtension = Callable[..., dict]
_article_extensions: list[ArticleExtension] = []


def register_article_extension(extension: ArticleExtension) -> ArticleExtension:
    return _register(_article_extensions, extension)


def _register(extensions: list[ArticleExtension], extension: ArticleExtension) -> ArticleExtension:
    if extension not in extensions:
        extensions.append(extension)
    return extension


def _collect(extensions: list[ArticleExtension], templates_key: str, *args) -> dict:
    """Call each extension; gather the templates they name under `templates_key`, merge the rest."""
    context: dict = {templates_key: []}
    for extension in extensions:
        extra = extension(*args)
        context[templates_key].append(extra.pop("template"))
        context.update(extra)
    return context


def article_context(request, draft, version, article) -> dict:
    return _collect(_article_extensions, "article_extensions", request, draft, version, article)


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
    return _register(_draft_extensions, extension)


def draft_context(request, draft, version) -> dict:
    return {
        **_collect(_draft_extensions, "draft_extensions", request, draft, version),
        "page_scripts": page_scripts(),
    }


DiffExtension = Callable[..., dict]
_diff_extensions: list[DiffExtension] = []


def register_diff_extension(extension: DiffExtension) -> DiffExtension:
    """Called with (old version, new version, [new provision ids]); returns {provision id: [items]}.

    The diff page shows the items under the article of the newer version (the comments app: the
    opinions adopted into it).
    """
    return _register(_diff_extensions, extension)


def diff_context(old, new, provision_ids: list[int]) -> dict[int, list]:
    found: dict[int, list] = {}
    for extension in _diff_extensions:
        for pk, items in extension(old, new, provision_ids).items():
            found.setdefault(pk, []).extend(items)
    return found
