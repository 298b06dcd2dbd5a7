"""RSS and Atom feeds: drafts opened for comment, and feedback published (drafts whose period closed)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from drafts.selectors import draft_list_published

FEED_SIZE = 30


class OpenedDraftsFeed(Feed):
    title = _("公开征求意见的法规草案")
    description = _("新开始公开征求意见的法规草案。")

    def link(self):
        return "/"

    def items(self):
        now = timezone.now()
        return draft_list_published().filter(opens_at__lte=now).order_by("-opens_at")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.url or "/"

    def item_pubdate(self, item):
        return item.opens_at


class FeedbackFeed(OpenedDraftsFeed):
    title = _("意见处理情况反馈")
    description = _("征求意见结束、公布意见处理情况的法规草案。")

    def items(self):
        now = timezone.now()
        return draft_list_published().filter(closes_at__lte=now).order_by("-closes_at")[:FEED_SIZE]

    def item_title(self, item):
        return _("《%(title)s》意见处理情况反馈") % {"title": item.title}

    def item_link(self, item):
        return reverse("comments:feedback", args=[item.pk])

    def item_pubdate(self, item):
        return item.closes_at


class OpenedDraftsAtom(OpenedDraftsFeed):
    feed_type = Atom1Feed
    subtitle = OpenedDraftsFeed.description


class FeedbackAtom(FeedbackFeed):
    feed_type = Atom1Feed
    subtitle = FeedbackFeed.description
