from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import views as cms_views
from comments import views as comments_views
from contact_points import urls as contact_points_urls
from search import views as search_views

urlpatterns = [
    # One login page for everyone, so that its throttling also guards the admin.
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    # Logging out only by POST: Wagtail's own view deletes the session cookie even when it answers a GET with 405,
    # so a link on another site could log staff out (issue 21, item 10).
    path("admin/logout/", cms_views.AdminLogoutView.as_view(), name="wagtailadmin_logout"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("cms.urls_accounts")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("search/", search_views.search, name="search"),
    path("api/v1/", include("api.urls")),
    path("", include("ops.urls")),
    path("feeds/", include("api.feed_urls")),
    path("opinions/", include("comments.urls")),
    path("my/opinions/", comments_views.my_opinions, name="my_opinions"),
    path("referrals/", include("referrals.urls")),
    path("statistics/", include("stats.urls")),
    path(
        "contact-points/",
        include((contact_points_urls.public_urlpatterns, "contact_points_public"), namespace="contact_points_public"),
    ),
    path(
        "workspace/",
        include((contact_points_urls.workspace_urlpatterns, "contact_points"), namespace="contact_points"),
    ),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
handler500 = "cms.views.server_error"
