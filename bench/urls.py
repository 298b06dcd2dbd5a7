"""The benchmarks' URLs when django-comments-xtd is installed: the site's own, plus the comment app's."""

from django.urls import include, path

from cms.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("xtd-comments/", include("django_comments_xtd.urls")), *site_urlpatterns]
