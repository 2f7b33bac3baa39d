"""Text that can be stored, exported and shown: no control characters.

Tab, line feed and carriage return are allowed; the other C0 controls (\\x00–\\x1f) and DEL
(\\x7f) are refused everywhere text enters: every model CharField/TextField of the project
(added at start-up, held by a system check), every form CharField and every API CharField.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The same set for a database regex lookup (cleaning existing rows).
CONTROL_CHARACTERS_SQL = r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]"


@deconstructible
class ControlCharacterValidator:
    message = _(
        "This text holds an invisible control character (often pasted from another program); "
        "remove it and type the text again."
    )
    code = "control_character"

    def __call__(self, value):
        if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, ControlCharacterValidator)

    def __hash__(self):
        return hash(self.code)


no_control_characters = ControlCharacterValidator()


def strip_control_characters(value: str) -> str:
    """``value`` without its control characters (a vertical tab or form feed becomes a space)."""
    value = value.replace("\x0b", " ").replace("\x0c", " ")
    return CONTROL_CHARACTERS.sub("", value)
