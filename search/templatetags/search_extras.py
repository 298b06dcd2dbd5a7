"""How search pages write numbers."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import get_language

register = template.Library()


@register.filter
def rough(number: int) -> str:
    """An estimated count the way its reader says it: 约 51.4 万 in Chinese, about 514,000 in English."""
    if (get_language() or "").startswith("zh") and number >= 10_000:
        return f"{number / 10_000:.1f}".removesuffix(".0") + " 万"
    return intcomma(number)
