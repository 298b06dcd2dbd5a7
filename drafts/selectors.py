from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet

from drafts.models import DraftPage, DraftVersion, Provision, ProvisionKind


def draft_list_open(*, now: datetime) -> QuerySet[DraftPage]:
    return DraftPage.objects.live().public().filter(opens_at__lte=now, closes_at__gt=now).order_by("closes_at")


def draft_list_recently_closed(*, now: datetime, limit: int = 5) -> QuerySet[DraftPage]:
    return DraftPage.objects.live().public().filter(closes_at__lte=now).order_by("-closes_at")[:limit]


@dataclass
class ProvisionNode:
    provision: Provision
    children: list["ProvisionNode"] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        p = self.provision
        return f"{p.kind}-{p.number}" if p.kind == ProvisionKind.ARTICLE else f"{p.kind}-{p.position}"


def provision_tree(*, version: DraftVersion) -> list[ProvisionNode]:
    """The whole text of a version as a tree, in one query."""
    nodes: dict[int, ProvisionNode] = {}
    roots: list[ProvisionNode] = []
    for provision in Provision.objects.filter(version=version).order_by("position"):
        node = nodes[provision.pk] = ProvisionNode(provision)
        if provision.parent_id is None:
            roots.append(node)
        else:
            nodes[provision.parent_id].children.append(node)
    return roots


def draft_list_published() -> QuerySet[DraftPage]:
    return DraftPage.objects.live().public().order_by("-closes_at", "-first_published_at")
