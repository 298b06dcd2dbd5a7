from django.urls import path

from comments import views

app_name = "comments"

urlpatterns = [
    path("new/", views.opinion_new, name="new"),
    path("articles/<int:provision_id>/", views.article_thread, name="article_thread"),
    path("drafts/<int:draft_id>/", views.draft_thread, name="draft_thread"),
    path("drafts/<int:draft_id>/feedback/", views.draft_feedback, name="feedback"),
    path("<int:opinion_id>/replies/", views.replies, name="replies"),
    path("<int:opinion_id>/support/", views.support, name="support"),
    path("<int:opinion_id>/report/", views.report, name="report"),
    path("<int:opinion_id>/withdraw/", views.withdraw, name="withdraw"),
]
