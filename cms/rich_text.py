"""Wagtail's rich-text editor, named by its field's label for screen readers (issue 22).

Draftail's editable box carries no name of its own (axe-core: aria-input-field-name, serious): the
field's <label for> points at the hidden input that stores the value, not at the box. Draftail accepts
`ariaLabelledBy`, and Wagtail's field template gives each label the id "<input id>-label", so the box is
named by the label the sighted user reads.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from wagtail.admin.rich_text import DraftailRichTextArea


class LabelledDraftailRichTextArea(DraftailRichTextArea):
    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        input_id = context["widget"]["attrs"].get("id")
        if input_id:
            options = {**self.options, "ariaLabelledBy": f"{input_id}-label"}
            context["widget"]["attrs"]["data-w-init-detail-value"] = json.dumps(options, cls=DjangoJSONEncoder)
        return context
