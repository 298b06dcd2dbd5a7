from django import forms
from django.utils.translation import gettext_lazy as _


class RegisterForm(forms.Form):
    identifier = forms.CharField(
        label=_("电子邮箱或手机号码"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "email"}),
    )
    display_name = forms.CharField(
        label=_("公开显示名称（可不填）"),
        max_length=30,
        required=False,
        help_text=_("发表意见时公开显示；不填则显示为“匿名”。真实姓名、电话和邮箱始终保密。"),
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少 8 个字符，不能全是数字，不能过于常见。"),
    )
    password_again = forms.CharField(
        label=_("再次输入密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("两次输入的密码不一致。"))
        return data


class IdentifierForm(forms.Form):
    identifier = forms.CharField(
        label=_("电子邮箱或手机号码"), max_length=254, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )


class CodeForm(IdentifierForm):
    code = forms.CharField(
        label=_("验证码"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class LoginForm(forms.Form):
    identifier = forms.CharField(
        label=_("用户名、电子邮箱或手机号码"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class SetPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("新密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password_again = forms.CharField(
        label=_("再次输入新密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("两次输入的密码不一致。"))
        return data


class CodeSetPasswordForm(CodeForm, SetPasswordForm):
    pass


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("公开显示名称"),
        max_length=30,
        required=False,
        help_text=_("留空则在公开页面显示为“匿名”。"),
    )
