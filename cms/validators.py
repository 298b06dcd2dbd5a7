from django.contrib.auth.password_validation import MinimumLengthValidator
from django.utils.translation import ngettext


class MinimumLengthValidatorZh(MinimumLengthValidator):
    """Django 5.2 changed this message's msgid and its Chinese catalogue lags behind."""

    def get_error_message(self):
        return ngettext(
            "密码长度太短，至少需要 %(min_length)d 个字符。",
            "密码长度太短，至少需要 %(min_length)d 个字符。",
            self.min_length,
        ) % {"min_length": self.min_length}
