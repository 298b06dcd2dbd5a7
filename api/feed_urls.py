from django.urls import path

from api import feeds

app_name = "feeds"

urlpatterns = [
    path("drafts.rss", feeds.OpenedDraftsFeed(), name="drafts_rss"),
    path("drafts.atom", feeds.OpenedDraftsAtom(), name="drafts_atom"),
    path("feedback.rss", feeds.FeedbackFeed(), name="feedback_rss"),
    path("feedback.atom", feeds.FeedbackAtom(), name="feedback_atom"),
    path("contact-points/<int:point_id>.rss", feeds.ContactPointFeed(), name="contact_point_rss"),
    path("contact-points/<int:point_id>.atom", feeds.ContactPointAtom(), name="contact_point_atom"),
]
