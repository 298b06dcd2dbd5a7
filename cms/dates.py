"""Dates the way Chinese readers expect them in documents and lists."""

from datetime import date, datetime

from django.utils import timezone


def chinese_date(value: datetime | date | None) -> str:
    """2026年11月26日, on the local calendar for an aware datetime; "" for None."""
    if value is None:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.year}年{value.month}月{value.day}日"
