"""One catalogue for every word: MinkOps' texts in gettext catalogues, formatted with Babel.

Replies are keys (`task_created`) in `locale/<lang>/LC_MESSAGES/minkops.po`, one
catalogue per language; dates, times, lists and numbers are written in the reader's
locale and the organization's timezone. `python -m minkops.i18n.tools` checks and
updates the catalogues (see the README's "Languages" section).
"""

from minkops.i18n._catalogues import (
    DEFAULT_LANGUAGE,
    STAFF_FLAG,
    SUPPORTED_LANGUAGES,
    catalogue_file,
    pick_language,
    read_catalogue,
)
from minkops.i18n._locales import (
    USUAL_LOCALES,
    format_list,
    format_number,
    locale_for,
    whatsapp_text,
)
from minkops.i18n._translate import UnknownMessage, has_message, translate
from minkops.i18n._when import format_when

__all__ = [
    "DEFAULT_LANGUAGE",
    "STAFF_FLAG",
    "SUPPORTED_LANGUAGES",
    "USUAL_LOCALES",
    "UnknownMessage",
    "catalogue_file",
    "format_list",
    "format_number",
    "format_when",
    "has_message",
    "locale_for",
    "pick_language",
    "read_catalogue",
    "translate",
    "whatsapp_text",
]
