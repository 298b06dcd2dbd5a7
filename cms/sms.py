"""Text messages to mainland mobile numbers, behind a small backend interface like Django's e-mail.

No SMS gateway is reachable from our machines; deployments plug in their provider by writing a
backend with `send(phone, text)` and naming it in SMS_BACKEND.
"""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

outbox: list[tuple[str, str]] = []


class ConsoleBackend:
    def send(self, phone: str, text: str) -> None:
        logger.warning("SMS to %s: %s", phone, text)
        print(f"[短信] {phone}: {text}", flush=True)  # noqa: T201 - the development channel


class LocmemBackend:
    """Keeps messages in `cms.sms.outbox` for tests, like Django's locmem e-mail backend."""

    def send(self, phone: str, text: str) -> None:
        outbox.append((phone, text))


def send_sms(phone: str, text: str) -> None:
    import_string(settings.SMS_BACKEND)().send(phone, text)
