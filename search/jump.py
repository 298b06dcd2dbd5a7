"""A query that is an article number (第十二条, 第12条, 12条, 十二条) inside a draft jumps to the article."""

from drafts.citations import whole_article


def article_number(query: str) -> int | None:
    """The article a query names and nothing else; 第十二条之一 is left to the search (no jump)."""
    target = whole_article(query or "")
    if target is None or target.article is None or target.suffix is not None:
        return None
    return target.article.value
