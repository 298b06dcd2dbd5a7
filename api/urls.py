from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import opendata, views, views_open_data

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("drafts/", views.DraftListView.as_view(), name="drafts"),
    path("drafts/<int:draft_id>/", views.DraftDetailView.as_view(), name="draft"),
    path("drafts/<int:draft_id>/versions/<int:number>/", views.VersionDetailView.as_view(), name="version"),
    path("drafts/<int:draft_id>/opinions/", views.DraftOpinionsView.as_view(), name="draft_opinions"),
    path("drafts/<int:draft_id>/feedback/", views.FeedbackView.as_view(), name="feedback"),
    path("drafts/<int:draft_id>/feedback/opinions/", views.FeedbackOpinionsView.as_view(), name="feedback_opinions"),
    path("drafts/<int:draft_id>/statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("articles/<int:provision_id>/", views.ArticleDetailView.as_view(), name="article"),
    path("articles/<int:provision_id>/opinions/", views.ArticleOpinionsView.as_view(), name="article_opinions"),
    path("staff/opinions/", views.StaffOpinionsView.as_view(), name="staff_opinions"),
    path("contact-points/batches/", views.BatchSubmitView.as_view(), name="batches"),
]

urlpatterns += [
    path("referrals/", views.ReferralListView.as_view(), name="referrals"),
    path("referrals/<int:referral_id>/", views.ReferralDetailView.as_view(), name="referral"),
    path("referrals/<int:referral_id>/acknowledge/", views.ReferralAcknowledgeView.as_view(), name="acknowledge"),
    path("referrals/<int:referral_id>/reply/", views.ReferralReplyView.as_view(), name="reply"),
]

urlpatterns += [
    path("open-data/", views_open_data.data_dictionary, name="open_data"),
] + [
    path(
        f"open-data/drafts/<int:draft_id>/{name}",
        views_open_data.download_view(name),
        name=views_open_data.url_name(name),
    )
    for name in opendata.FILES
]
