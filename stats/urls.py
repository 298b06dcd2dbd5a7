from django.urls import path

from stats import views

app_name = "stats"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.year, name="year"),
    path("<int:year>/report.docx", views.year_report, name="year_report"),
    path("drafts/<int:draft_id>/", views.draft, name="draft"),
]
