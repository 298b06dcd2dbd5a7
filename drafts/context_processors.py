"""What every page's header needs from drafts: where the list of drafts is."""

from drafts import lookup


def drafts(request):
    return {"drafts_url": lookup.index_url}  # a callable: looked up when a template asks
