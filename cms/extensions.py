"""The one extension mechanism: an app declares an `ExtensionPoint`, apps further down register into it.

Dependencies point one way (cms <- drafts <- comments <- handling <- referrals; contact points, search and
stats further down). When a page or rule of an app needs something only a later app knows (the threads
under an article, the contact point an opinion came from, the referral it was forwarded in), the app
declares a point in its own `extensions.py` and the later app registers a function into it in its
`AppConfig.ready()`. Nothing up the chain ever imports what comes after it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any


class ExtensionPoint:
    """A named, ordered list of registered callables (or objects), each registered once."""

    def __init__(self, name: str, doc: str = "") -> None:
        self.name = name
        self.__doc__ = doc
        self._items: list[Any] = []

    def register(self, item: Any) -> Any:
        """Add `item` (usable as a decorator); registering the same item twice keeps one."""
        if item not in self._items:
            self._items.append(item)
        return item

    def __iter__(self) -> Iterator[Any]:
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"<ExtensionPoint {self.name}: {len(self._items)}>"

    def call(self, *args, **kwargs) -> list:
        """Call every registered function with the same arguments; their results in order."""
        return [item(*args, **kwargs) for item in self]

    def collect_templates(self, templates_key: str, *args) -> dict:
        """Call each function; gather the `template` each returns under `templates_key`, merge the rest."""
        context: dict = {templates_key: []}
        for extra in self.call(*args):
            extra = dict(extra)
            context[templates_key].append(extra.pop("template"))
            context.update(extra)
        return context

    def merge_lists(self, *args) -> dict:
        """Call each function (each returns {key: [items]}); the lists of the same key joined."""
        found: dict = {}
        for result in self.call(*args):
            for key, items in result.items():
                found.setdefault(key, []).extend(items)
        return found


Extension = Callable[..., Any]
