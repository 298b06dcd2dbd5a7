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

    def __init__(self, *args, challenge_required: bool = False, **kwargs):
        """With `challenge_required` (cms.challenge), the form asks for a challenge's answer too."""
        super().__init__(*args, **kwargs)
        self.challenge = None
        if challenge_required:
            self.add_challenge_fields()

    def add_challenge_fields(self) -> None:
        self.fields["challenge_key"] = forms.CharField(widget=forms.HiddenInput, required=False)
        self.fields["challenge_answer"] = forms.CharField(
            label=_("验证码"),
            max_length=20,
            error_messages={"required": _("请输入图中的数字，或文字题的答案。")},
            widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
            help_text=_("请输入图中的数字。看不清或无法查看图片时，可改为回答图片下方的文字题。"),
        )

    def show_challenge(self, challenge) -> None:
        """Show a new challenge (the one answered, if any, has been spent); what was typed stays."""
        if "challenge_answer" not in self.fields:
            self.add_challenge_fields()
        self.challenge = challenge
        if self.is_bound:
            self.data = self.data.copy()
            self.data["challenge_key"] = challenge.key
            self.data["challenge_answer"] = ""
        else:
            self.initial["challenge_key"] = challenge.key

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
