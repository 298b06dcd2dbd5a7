"""The benchmarks' URLs when django-comments-xtd is installed: the site's own, plus the comment app's."""

from django.urls import include, path

from cms import urls as site

# The site's error handlers too: without them an outage would answer Django's plain 500, not the site's 503.
handler500 = site.handler500
site_urlpatterns = site.urlpatterns

urlpatterns = [path("xtd-comments/", include("django_comments_xtd.urls")), *site_urlpatterns]
