from django.urls import path

from cms import two_factor_views, views

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
    path("otp/setup/", two_factor_views.setup, name="otp_setup"),
    path("otp/verify/", two_factor_views.verify, name="otp_verify"),
    path("otp/backup-codes/", two_factor_views.backup_codes, name="otp_backup_codes"),
    path("otp/disable/", two_factor_views.disable, name="otp_disable"),
]
