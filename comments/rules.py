"""Permissions of the comments app (predicates from cms.rules; checked with user.has_perm(perm, obj))."""

import rules

from cms.rules import is_staff

# Staff answer officially (官方答复), also before and after the comment period; checked with the draft.
rules.add_perm("comments.answer_officially", is_staff)
# Handling opinions (dispose, assign, merge, forward, export): staff. The same name is also a model
# permission granted to the staff role, so Wagtail's group editor shows it.
rules.add_perm("comments.dispose_opinion", is_staff)
