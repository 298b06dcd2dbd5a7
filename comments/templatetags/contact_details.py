"""`{{ text|without_contact_details }}`: a proposer's text as a public page shows it (cms.redaction)."""

from django import template

from cms.redaction import redact_contact_details

register = template.Library()


@register.filter
def without_contact_details(text: str) -> str:
    return redact_contact_details(text)
