"""RSS and Atom feeds: drafts opened for comment, feedback published (drafts whose period closed), and per
contact point the drafts sent to it."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from contact_points.models import ContactPoint
from contact_points.selectors import point_solicitations
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


class ContactPointFeed(Feed):
    """News for one contact point: the drafts staff sent it for comment (征询任务), with their deadline.

    Only what is public: published drafts, the point's name, the deadline; the task's note to the
    coordinators stays in their workspace."""

    def get_object(self, request, point_id: int):
        point = ContactPoint.objects.filter(pk=point_id, is_active=True).first()
        if point is None:
            raise Http404
        return point

    def title(self, point):
        return _("%(name)s 的征询任务") % {"name": point.name}

    def description(self, point):
        return _("送%(name)s征求意见的法规草案。") % {"name": point.name}

    subtitle = description

    def link(self, point):
        return reverse("contact_points_public:detail", args=[point.pk])

    def items(self, point):
        targets = point_solicitations(point)
        asked = {t.solicitation.draft_id for t in targets}
        live = set(draft_list_published().filter(pk__in=asked).values_list("pk", flat=True))
        shown = [t.solicitation for t in targets if t.solicitation.draft_id in live]
        return sorted(shown, key=lambda s: s.created_at, reverse=True)[:FEED_SIZE]

    def item_title(self, item):
        return _("《%(title)s》（%(stage)s）征求意见") % {
            "title": item.draft.title,
            "stage": item.version.get_stage_display(),
        }

    def item_description(self, item):
        deadline = timezone.localtime(item.deadline).strftime("%Y-%m-%d %H:%M")
        return _("请于 %(deadline)s 前反馈意见。%(summary)s") % {"deadline": deadline, "summary": item.draft.summary}

    def item_link(self, item):
        return item.draft.url or "/"

    def item_guid(self, item):
        return f"solicitation-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.created_at


class ContactPointAtom(ContactPointFeed):
    feed_type = Atom1Feed
