"""Demo data of the search app for `make run`: the index, built at once (cms.demo runs it last)."""


def load(users: dict) -> None:
    """Searchable at once, before the task cluster has caught up."""
    from search import services

    services.rebuild()
