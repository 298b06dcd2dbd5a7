"""The second-factor pages under /accounts/otp/: set up (QR code drawn here), verify, backup codes, disable."""

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from cms import two_factor
from cms.access_audit import record
from cms.models import AccessEventKind
from cms.views import safe_next_url


class OtpCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("验证码"),
        max_length=32,
        help_text=gettext_lazy("身份验证器应用显示的 6 位数字，或一个备用验证码。"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _check(request, form: OtpCodeForm, action):
    """Run `action(code)`; a refusal is shown on the form and recorded. Returns the action's result or None."""
    try:
        return action(form.cleaned_data["code"])
    except ValidationError as exc:
        form.add_error("code", exc.messages)
        record(kind=AccessEventKind.OTP_FAILURE, request=request)
        request.otp_throttled = exc.code == "throttled"
        return None


def _status(request) -> int:
    return 429 if getattr(request, "otp_throttled", False) else 200


@never_cache
@login_required
def setup(request):
    """Without a device: the QR code, the secret and the confirmation form. With one: what can be done."""
    if not two_factor.may_use(request.user):
        raise PermissionDenied
    next_url = safe_next_url(request)
    if two_factor.has_device(request.user):
        if not request.user.is_verified():
            return redirect("accounts:otp_verify")
        context = {"required": two_factor.is_required(request.user), "form": OtpCodeForm()}
        return render(request, "accounts/otp_manage.html", context)
    device = two_factor.totp_setup_start(user=request.user)
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = _check(request, form, lambda code: two_factor.totp_setup_confirm(user=request.user, code=code))
        if confirmed is not None:
            otp_login(request, confirmed)
            record(kind=AccessEventKind.OTP_SETUP, request=request, obj=confirmed)
            codes = two_factor.backup_codes_generate(user=request.user)
            record(kind=AccessEventKind.OTP_BACKUP_CODES, request=request)
            messages.success(request, _("两步验证已启用。"))
            return render(request, "accounts/otp_backup_codes.html", {"codes": codes, "next": next_url})
    context = {
        "form": form,
        "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
        "secret": two_factor.secret_for_display(device),
        "required": two_factor.is_required(request.user),
        "next": next_url,
    }
    return render(request, "accounts/otp_setup.html", context, status=_status(request))


@never_cache
@login_required
def verify(request):
    next_url = safe_next_url(request, "/")
    if not two_factor.has_device(request.user):
        return redirect(next_url)
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = _check(request, form, lambda code: two_factor.code_verify(user=request.user, code=code))
        if device is not None:
            otp_login(request, device)
            record(kind=AccessEventKind.OTP_VERIFY, request=request, obj=device)
            return redirect(next_url)
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url}, status=_status(request))


@never_cache
@login_required
@require_POST
def backup_codes(request):
    """New backup codes, shown on this response only (the middleware has made sure the session is verified)."""
    try:
        codes = two_factor.backup_codes_generate(user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("accounts:otp_setup")
    record(kind=AccessEventKind.OTP_BACKUP_CODES, request=request)
    return render(request, "accounts/otp_backup_codes.html", {"codes": codes, "next": ""})


@never_cache
@login_required
@require_POST
def disable(request):
    form = OtpCodeForm(request.POST)
    if form.is_valid():
        done = _check(
            request,
            form,
            lambda code: two_factor.second_factor_disable(user=request.user, code=code) or True,
        )
        if done:
            record(kind=AccessEventKind.OTP_DISABLE, request=request)
            messages.success(request, _("两步验证已关闭。"))
            return redirect("accounts:profile")
    context = {"required": two_factor.is_required(request.user), "form": form}
    return render(request, "accounts/otp_manage.html", context, status=_status(request))
