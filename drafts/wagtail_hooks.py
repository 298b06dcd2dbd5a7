from wagtail import hooks

from drafts.selectors import draft_list_open, draft_list_recently_closed


@hooks.register("home_page_context")
def home_page_drafts(*, request, now):
    return {
        "open_drafts": list(draft_list_open(now=now)),
        "closed_drafts": list(draft_list_recently_closed(now=now)),
    }
