"""Django's own messages that its Vietnamese catalogue lacks; our catalogue translates them.

Listed here (never called) so that makemessages extracts them into locale/vi.
"""

from django.utils.translation import gettext_noop

MISSING_IN_DJANGO_VI = [
    gettext_noop("Null characters are not allowed."),
    gettext_noop("Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."),
]
