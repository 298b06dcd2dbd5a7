"""API tokens in the Wagtail admin: made (the key shown once), listed with their last use, revoked; and
their use log (superusers)."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import AdminOnlyMenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, SnippetViewSet

from api import services
from api.admin_views import TokenUseView
from api.models import ApiToken


class ApiTokenForm(WagtailAdminModelForm):
    revoke = forms.BooleanField(
        label=gettext_lazy("撤销此令牌"), required=False, help_text=gettext_lazy("撤销后立即失效，不能恢复。")
    )

    def clean(self):
        cleaned = super().clean()
        probe = ApiToken(
            holder=cleaned.get("holder") or "",
            contact_point=cleaned.get("contact_point"),
            department=cleaned.get("department"),
            acting_user=cleaned.get("acting_user"),
        )
        try:
            services.token_check(probe)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None
        return cleaned

    def save(self, commit=True):
        instance = super().save(commit=False)
        if self.cleaned_data.get("revoke") and instance.pk and instance.revoked_at is None:
            services.token_revoke(token=instance)
        if commit:
            instance.save()
        return instance


class TokenCreateView(CreateView):
    def save_instance(self):
        instance = self.form.save(commit=False)
        self.raw_key = services.token_create(token=instance, user=self.request.user)
        return instance

    def get_success_message(self, instance):
        return _("令牌“%(name)s”已创建。请立即复制，它只显示这一次：%(key)s") % {
            "name": instance.name,
            "key": self.raw_key,
        }


class ApiTokenViewSet(SnippetViewSet):
    model = ApiToken
    icon = "key"
    menu_label = gettext_lazy("接口令牌")
    menu_order = 900
    add_to_settings_menu = True
    add_view_class = TokenCreateView
    list_display = ["name", "holder", "scope", "prefix", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["holder", "scope"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("holder"),
            FieldPanel("contact_point"),
            FieldPanel("department"),
            FieldPanel("acting_user"),
            FieldPanel("scope"),
            FieldPanel("expires_at"),
            FieldPanel("rate_per_minute"),
            FieldPanel("revoke"),
        ],
        base_form_class=ApiTokenForm,
    )


register_snippet(ApiTokenViewSet)


_admin_urls = [
    path("token-uses/", TokenUseView.as_view(), name="token_uses"),
    path("token-uses/results/", TokenUseView.as_view(results_only=True), name="token_uses_results"),
]


@hooks.register("register_admin_urls")
def api_admin_urls():
    return [path("api/", include((_admin_urls, "api_admin"), namespace="api_admin"))]


@hooks.register("register_settings_menu_item")
def token_uses_menu_item():
    return AdminOnlyMenuItem(
        gettext_lazy("接口令牌使用记录"), reverse("api_admin:token_uses"), icon_name="key", order=910
    )
