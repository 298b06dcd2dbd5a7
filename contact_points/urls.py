from django.urls import path

from contact_points import views

app_name = "contact_points"

public_urlpatterns = [
    path("", views.point_list, name="list"),
    path("<int:pk>/", views.point_detail, name="detail"),
    path("<int:pk>/poster/", views.point_poster, name="poster"),
]

workspace_urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("<int:pk>/", views.home, name="home"),
    path("<int:pk>/meetings/new/", views.meeting_edit, name="meeting_new"),
    path("<int:pk>/meetings/<int:meeting_id>/", views.meeting_edit, name="meeting"),
    path("<int:pk>/meetings/<int:meeting_id>/notes/", views.note_upload, name="note_upload"),
    path("<int:pk>/notes/<int:note_id>/", views.note_download, name="note"),
    path("<int:pk>/batches/new/", views.batch_open, name="batch_open"),
    path("<int:pk>/batches/<int:batch_id>/", views.batch_detail, name="batch"),
    path("<int:pk>/batches/<int:batch_id>/items/", views.item_add, name="item_add"),
    path("<int:pk>/batches/<int:batch_id>/items/<int:item_id>/", views.item_edit, name="item"),
    path("<int:pk>/batches/<int:batch_id>/review/", views.items_review, name="review"),
    path("<int:pk>/batches/<int:batch_id>/sheet/", views.sheet_upload, name="sheet_upload"),
    path("<int:pk>/batches/<int:batch_id>/template.<str:fmt>", views.sheet_template, name="template"),
    path("<int:pk>/batches/<int:batch_id>/submit/", views.batch_submit, name="submit"),
    path("<int:pk>/feedback/", views.feedback, name="feedback"),
    path("<int:pk>/feedback.xlsx", views.feedback_download, name="feedback_xlsx"),
]
