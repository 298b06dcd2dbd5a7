"""URLs of referrals: the department inbox and the rating page (public site, mounted at /referrals/). The staff's
screens are a Wagtail viewset, registered (with their old URL names) by `referrals.wagtail_hooks`."""

from django.urls import path

from referrals import views

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
