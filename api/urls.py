from django.urls import path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import opendata, views, views_open_data
from api.errors import not_found_json


class IdConverter:
    """A database id: digits that fit a 64-bit integer (a longer number is no id: the JSON 404 below)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > 2**63 - 1:
            raise ValueError(value)
        return number

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "api_id")

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("drafts/", views.DraftListView.as_view(), name="drafts"),
    path("drafts/<api_id:draft_id>/", views.DraftDetailView.as_view(), name="draft"),
    path("drafts/<api_id:draft_id>/versions/<api_id:number>/", views.VersionDetailView.as_view(), name="version"),
    path("drafts/<api_id:draft_id>/opinions/", views.DraftOpinionsView.as_view(), name="draft_opinions"),
    path("drafts/<api_id:draft_id>/feedback/", views.FeedbackView.as_view(), name="feedback"),
    path("drafts/<api_id:draft_id>/feedback/opinions/", views.FeedbackOpinionsView.as_view(), name="feedback_opinions"),
    path("drafts/<api_id:draft_id>/statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("articles/<api_id:provision_id>/", views.ArticleDetailView.as_view(), name="article"),
    path("articles/<api_id:provision_id>/opinions/", views.ArticleOpinionsView.as_view(), name="article_opinions"),
    path("staff/opinions/", views.StaffOpinionsView.as_view(), name="staff_opinions"),
    path("contact-points/batches/", views.BatchSubmitView.as_view(), name="batches"),
]

urlpatterns += [
    path("referrals/", views.ReferralListView.as_view(), name="referrals"),
    path("referrals/<api_id:referral_id>/", views.ReferralDetailView.as_view(), name="referral"),
    path("referrals/<api_id:referral_id>/acknowledge/", views.ReferralAcknowledgeView.as_view(), name="acknowledge"),
    path("referrals/<api_id:referral_id>/reply/", views.ReferralReplyView.as_view(), name="reply"),
]

urlpatterns += [
    path("open-data/", views_open_data.data_dictionary, name="open_data"),
] + [
    path(
        f"open-data/drafts/<api_id:draft_id>/{name}",
        views_open_data.download_view(name),
        name=views_open_data.url_name(name),
    )
    for name in opendata.FILES
]

# Anything else under /api/v1/: a JSON 404 with a code and a Chinese message, as every other API error.
urlpatterns += [re_path(r"^", not_found_json)]
