"""The one way the platform sends e-mail: a subject, a text body and an HTML body per message, each from its
own template, rendered in the site language and sent through Django's mail API (after healthchecks'
`hc/lib/emails.py`).

A message named "referrals/referral-sent" is three templates of the referrals app:

    referrals/templates/referrals/emails/referral-sent-subject.txt
    referrals/templates/referrals/emails/referral-sent-body.txt
    referrals/templates/referrals/emails/referral-sent-body.html

The subject and the text body are plain text, rendered without HTML escaping (an opinion quoted in them reads
as typed); the HTML body is escaped like any page and, like every template, carries no inline style or
script. HTML bodies extend "emails/base.html" (cms), which adds the site's name and the no-reply line.
Every template sees `site_name` and `base_url` besides the caller's context.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template import Context
from django.template.loader import get_template
from django.utils import translation

_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Mail:
    """One message to write: its recipients (each sees the others) and what its templates need."""

    to: list[str]
    context: dict = field(default_factory=dict)


def absolute_url(path: str) -> str:
    """A link for a message: the site's address (BASE_URL) and `path`."""
    return settings.BASE_URL.rstrip("/") + path


def _template_names(name: str) -> tuple[str, str, str]:
    app, _slash, message = name.partition("/")
    if not app or not message or "/" in message:
        raise ValueError(f"an e-mail is named '<app>/<message>', not {name!r}")
    prefix = f"{app}/emails/{message}"
    return f"{prefix}-subject.txt", f"{prefix}-body.txt", f"{prefix}-body.html"


def _render(template_name: str, context: dict, *, autoescape: bool) -> str:
    # The engine's own Template, so that plain text is rendered with escaping off by the code, not by
    # each template remembering {% autoescape off %}.
    return get_template(template_name).template.render(Context(context, autoescape=autoescape))


def message(name: str, to: list[str] | str, ctx: dict, *, language: str | None = None) -> EmailMultiAlternatives:
    """The message `name` to `to`, rendered in `language` (the site language unless given)."""
    subject_template, text_template, html_template = _template_names(name)
    recipients = [to] if isinstance(to, str) else list(to)
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {
            "site_name": settings.SITE_NAME,
            "base_url": absolute_url(""),
            **ctx,
            "language_code": translation.get_language(),
        }
        # A subject is one line, whatever the template's line breaks (a header cannot hold them).
        subject = _WHITESPACE.sub(" ", _render(subject_template, context, autoescape=False)).strip()
        subject = settings.EMAIL_SUBJECT_PREFIX + subject
        text = _render(text_template, context, autoescape=False)
        html = _render(html_template, {**context, "subject": subject}, autoescape=True)
    mail = EmailMultiAlternatives(subject=subject, body=text, to=recipients)
    mail.attach_alternative(html, "text/html")
    return mail


def send_each(name: str, mails: Iterable[Mail], *, language: str | None = None) -> int:
    """Render one message per `Mail` and send them all over one connection. Returns how many were sent.

    Mails with no recipient are skipped; with none left, no connection is opened.
    """
    messages = [message(name, mail.to, mail.context, language=language) for mail in mails if mail.to]
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0


def send(name: str, to: list[str] | str, ctx: dict, *, language: str | None = None) -> int:
    """Send the message `name` to `to` (one message; every recipient sees the others). Returns 1, or 0 when
    there is nobody to send it to."""
    return send_each(name, [Mail(to=[to] if isinstance(to, str) else list(to), context=ctx)], language=language)
