"""Integers from requests: ASCII digits only.

Python's `str.isdigit()` accepts "²" (then `int()` fails: a 500) and `int()`
accepts Arabic-Indic and other Unicode decimal digits. Every integer read
from a request (page numbers, sizes, positions, `elapsed_ms`,
`Content-Length`) goes through here, so "٣" and "²" are refused like "x".
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError

_ASCII_DIGITS = re.compile(r"[0-9]+")


def ascii_int(raw: object, *, max_digits: int = 9) -> int | None:
    """The non-negative integer spelt by `raw` in ASCII digits, or None (empty, too long, anything else)."""
    if not isinstance(raw, str) or len(raw) > max_digits or not _ASCII_DIGITS.fullmatch(raw):
        return None
    return int(raw)


class AsciiIntegerField(forms.IntegerField):
    """A form's IntegerField that refuses Unicode digits (Django's accepts "٣" as 3)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not text:
            return None
        sign = ""
        if text[0] in "+-":
            sign, text = text[0], text[1:]
        if len(text) > 100 or not _ASCII_DIGITS.fullmatch(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(sign + text)


class AsciiModelChoiceField(forms.ModelChoiceField):
    """A choice of a row by its integer id, in ASCII digits only (the ORM would read "٣" as 3)."""

    def to_python(self, value):
        if value not in self.empty_values and ascii_int(str(value).strip(), max_digits=18) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)
