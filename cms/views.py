"""Account pages: register, confirm, log in and out, reset the password, edit the public name."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin.views.account import LogoutView as WagtailLogoutView

from cms import challenge, services
from cms.forms import (
    CodeForm,
    CodeSetPasswordForm,
    IdentifierForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    SetPasswordForm,
)
from cms.selectors import identifier_kind, normalize_identifier, user_by_identifier
from cms.throttle import Throttle, client_ip, hit_all


def _apply_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: per field where it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _confirm_url(identifier: str) -> str:
    return reverse("accounts:confirm") + "?" + urlencode({"who": identifier})


REGISTER_PER_IP_HOUR = Throttle("register-ip-hour", limit=settings.REGISTER_PER_IP_HOUR, window_seconds=3600)
REGISTER_PER_IP_DAY = Throttle("register-ip-day", limit=settings.REGISTER_PER_IP_DAY, window_seconds=86400)
CODE_PAGES_PER_IP = Throttle("code-pages-ip", limit=settings.CODE_PAGES_PER_IP, window_seconds=15 * 60)


def _over_limit(request, *throttles: Throttle) -> bool:
    """Count this request against the client address's windows (atomically); True when one is passed."""
    ip = client_ip(request, trusted_proxies=settings.TRUSTED_PROXY_COUNT)
    hits = [(throttle, ip) for throttle in throttles]
    return any(count > throttle.limit for count, (throttle, _ip) in zip(hit_all(hits), hits, strict=True))


def _too_many(request, template: str, context: dict):
    context["form"].add_error(None, _("来自您的网络地址的请求过多，请稍后再试。"))
    return render(request, template, context, status=429)


def register(request):
    """Register; from the REGISTER_CHALLENGE_AFTER-th attempt of an address in the hour, only with the answer to
    a challenge (cms.challenge), checked before anything is sent."""
    ip = client_ip(request, trusted_proxies=settings.TRUSTED_PROXY_COUNT)
    challenge_required = challenge.is_required(REGISTER_PER_IP_HOUR.count(ip))
    form = RegisterForm(request.POST or None, challenge_required=challenge_required)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _over_limit(request, REGISTER_PER_IP_HOUR, REGISTER_PER_IP_DAY):
            form.add_error(None, _("来自您的网络地址的请求过多，请稍后再试。"))
            status = 429
        elif challenge_required and not challenge.challenge_check(
            key=data["challenge_key"], answer=data["challenge_answer"]
        ):
            form.add_error("challenge_answer", _("验证码不正确或已过期，请重新作答。"))
        else:
            try:
                services.user_register(
                    identifier=data["identifier"], password=data["password"], display_name=data["display_name"]
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                # The same answer when the identifier already has an account (user is None then): its owner is
                # sent a message, and no one else learns that it exists.
                if identifier_kind(normalize_identifier(data["identifier"])) == "email":
                    messages.success(
                        request, _("注册成功。确认邮件已发送至您的邮箱，请点击邮件中的链接或输入验证码完成确认。")
                    )
                else:
                    messages.success(request, _("注册成功。验证码已通过短信发送，请输入验证码完成确认。"))
                return redirect(_confirm_url(normalize_identifier(data["identifier"])))
    if challenge.is_required(REGISTER_PER_IP_HOUR.count(ip)):
        form.show_challenge(challenge.challenge_new())
    return render(request, "accounts/register.html", {"form": form}, status=status)


def confirm(request):
    """Confirm with the six-digit code; also where a new message can be requested."""
    if request.method == "POST" and _over_limit(request, CODE_PAGES_PER_IP):
        return _too_many(request, "accounts/confirm.html", {"form": CodeForm(request.POST)})
    if request.method == "POST" and "resend" in request.POST:
        identifier = normalize_identifier(request.POST.get("identifier", ""))
        try:
            services.account_confirm_resend(identifier=identifier)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.info(request, _("如果该账号尚未确认，新的确认信息已经发出。"))
        return redirect(_confirm_url(identifier))
    form = CodeForm(request.POST or None, initial={"identifier": request.GET.get("who", "")})
    if request.method == "POST" and form.is_valid():
        try:
            services.account_confirm_code(identifier=form.cleaned_data["identifier"], code=form.cleaned_data["code"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("账号已确认，请登录。"))
            return redirect("accounts:login")
    return render(request, "accounts/confirm.html", {"form": form})


def confirm_link(request, token: str):
    try:
        services.account_confirm_link(token=token)
    except ValidationError as exc:
        return render(request, "accounts/link_problem.html", {"problem": exc.messages[0], "code": exc.code}, status=400)
    messages.success(request, _("账号已确认，请登录。"))
    return redirect("accounts:login")


def safe_next_url(request, default: str = "") -> str:
    """The `next` the request asks for (form or query), if it stays on this site; otherwise `default`."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        return next_url
    return default


def login_view(request):
    form = LoginForm(request.POST or None)
    next_url = safe_next_url(request)
    status = 200
    if request.method == "POST" and form.is_valid():
        identifier = normalize_identifier(form.cleaned_data["identifier"])
        # The limits are counted in the backend (cms.auth_backends), on every sign-in path.
        user = authenticate(request, username=identifier, password=form.cleaned_data["password"])
        if user is not None:
            login(request, user)
            return redirect(next_url or settings.LOGIN_REDIRECT_URL)
        if getattr(request, "login_throttled", False):
            minutes = settings.LOGIN_THROTTLE_WINDOW_SECONDS // 60
            form.add_error(None, _("登录失败次数过多，请 %(minutes)d 分钟后再试，或重置密码。") % {"minutes": minutes})
            status = 429
        elif getattr(request, "directory_unavailable", False):
            # The directory did not answer (cms.directory): its accounts cannot sign in now, local ones can.
            form.add_error(None, _("单位目录服务暂时无法连接，目录账号暂时不能登录；本站账号不受影响。请稍后再试。"))
            status = 503
        else:
            pending = user_by_identifier(identifier)
            if (
                pending is not None
                and pending.confirmed_at is None
                and pending.check_password(form.cleaned_data["password"])
            ):
                messages.warning(request, _("账号尚未确认，请输入收到的验证码，或重新发送确认信息。"))
                return redirect(_confirm_url(identifier))
            form.add_error(None, _("账号或密码不正确。"))
    return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=status)


def password_reset(request):
    form = IdentifierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _over_limit(request, CODE_PAGES_PER_IP):
            return _too_many(request, "accounts/password_reset.html", {"form": form})
        identifier = normalize_identifier(form.cleaned_data["identifier"])
        try:
            services.password_reset_request(identifier=identifier)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.info(request, _("如果该账号存在，重置密码的链接或验证码已经发出，请查收。"))
            return redirect(reverse("accounts:reset_code") + "?" + urlencode({"who": identifier}))
    return render(request, "accounts/password_reset.html", {"form": form})


def password_reset_code(request):
    form = CodeSetPasswordForm(request.POST or None, initial={"identifier": request.GET.get("who", "")})
    if request.method == "POST" and form.is_valid():
        if _over_limit(request, CODE_PAGES_PER_IP):
            return _too_many(request, "accounts/password_reset_code.html", {"form": form})
        data = form.cleaned_data
        try:
            services.password_reset_with_code(
                identifier=data["identifier"], code=data["code"], password=data["password"]
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("密码已重置，请用新密码登录。"))
            return redirect("accounts:login")
    return render(request, "accounts/password_reset_code.html", {"form": form})


def password_reset_link(request, token: str):
    try:
        services.password_reset_check_token(token=token)
    except ValidationError as exc:
        return render(request, "accounts/link_problem.html", {"problem": exc.messages[0], "code": exc.code}, status=400)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_with_token(token=token, password=form.cleaned_data["password"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("密码已重置，请用新密码登录。"))
            return redirect("accounts:login")
    return render(request, "accounts/password_reset_link.html", {"form": form})


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, initial={"display_name": request.user.display_name})
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_profile(user=request.user, display_name=form.cleaned_data["display_name"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@require_POST
def logout_view(request):
    from django.contrib.auth import logout

    logout(request)
    messages.info(request, _("您已退出登录。"))
    return redirect("/")


OUTAGE_RETRY_AFTER = 30  # seconds: what a 503 asks the browser (and the person) to wait


def _is_outage(exc: BaseException | None) -> bool:
    """The database or the cache cannot be reached: not a bug, a fault that heals."""
    from django.db import InterfaceError, OperationalError

    from cms.cache import UNREACHABLE

    return isinstance(exc, (OperationalError, InterfaceError, *UNREACHABLE))


def server_error(request):
    """500, or 503 with Retry-After when the database or Redis is down: the page says plainly that what was
    sent was not saved and that the typed text is still in the browser. Rendered without the database (no
    context processors, no session), as the outage may be why we are here."""
    import sys

    from django.template import loader

    exc = sys.exc_info()[1]
    if _is_outage(exc):
        context = {"posted": request.method == "POST", "retry_after": OUTAGE_RETRY_AFTER}
        response = HttpResponse(loader.get_template("503.html").render(context), status=503)
        response["Retry-After"] = str(OUTAGE_RETRY_AFTER)
        response["Cache-Control"] = "no-store"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render({}))


def csrf_failure(request, reason=""):
    """A missing or stale CSRF token: say so in the reader's language, and how not to lose the text."""
    return render(request, "403_csrf.html", status=403)


class AdminLogoutView(WagtailLogoutView):
    """Wagtail's admin logout, by POST only: any other method gets 405 and keeps its session."""

    def dispatch(self, request, *args, **kwargs):
        if request.method != "POST":
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)
