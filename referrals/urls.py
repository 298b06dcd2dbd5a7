"""URLs of referrals: the department inbox and the rating page (public site, mounted at /referrals/), and
`admin_urlpatterns`, which `referrals.wagtail_hooks` registers in the Wagtail admin."""

from django.urls import path

from referrals import admin_views, views

app_name = "referrals"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/extension/", views.extension, name="extension"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("<int:pk>/rate/", views.rate, name="rate"),
]

admin_urlpatterns = [
    path("referrals/", admin_views.ReferralBoardView.as_view(), name="referrals_board"),
    path("referrals/<int:pk>/", admin_views.ReferralAdminView.as_view(), name="referrals_admin"),
]
