from django.urls import path

from cms import views

app_name = "accounts"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("confirm/", views.confirm, name="confirm"),
    path("confirm/<str:token>/", views.confirm_link, name="confirm_link"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/reset/", views.password_reset, name="reset"),
    path("password/reset/code/", views.password_reset_code, name="reset_code"),
    path("password/reset/<str:token>/", views.password_reset_link, name="reset_link"),
    path("profile/", views.profile, name="profile"),
]
