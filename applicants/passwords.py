"""Password rules beyond Django's: a bundled list of passwords common in Indonesian breaches,
and the portal's own words. Both look through the decoration people add (`Sayang123!`,
`M-Paspor2026`, `1ndonesia`), so a famous word with digits around it is still refused.

One rule for every face: registration, reset and change, on the web and the API, all call
`password_validation.validate_password`, and no face trims spaces from a password.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_LIST = Path(__file__).with_name("data") / "breached_passwords.txt"
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_TRAILING = re.compile(r"[\W\d_]+$")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
PORTAL_WORDS = ("mpaspor", "paspor", "passport", "imigrasi", "immigration", "ditjenim", "kemenkumham", "simponi")


@functools.cache
def breached() -> frozenset[str]:
    lines = _LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _forms(password: str) -> set[str]:
    """The password as typed, without its decoration, and read through digit-for-letter swaps."""
    lowered = password.lower()
    core = _EDGES.sub("", lowered)
    # Digits at the end are decoration (`2026`), digits inside stand for letters (`1ndonesia`).
    swapped = _EDGES.sub("", _TRAILING.sub("", lowered).translate(_LEET))
    return {lowered, core, swapped, re.sub(r"[\W_]+", "", swapped)} - {""}


class BreachedPasswordValidator:
    def validate(self, password, user=None):
        if _forms(password) & breached():
            raise ValidationError(
                _("This password is common in leaked password lists. Please choose another."), code="password_breached"
            )

    def get_help_text(self):
        return _("Your password cannot be a password common in leaked password lists.")


class PortalWordsValidator:
    """`Paspor2026!` and friends: the portal's own name is the first thing a guesser tries."""

    def validate(self, password, user=None):
        words = set(PORTAL_WORDS) | {w.lower() for w in getattr(settings, "PASSWORD_CONTEXT_WORDS", ())}
        for form in _forms(password):
            stripped = form
            for word in sorted(words, key=len, reverse=True):
                stripped = stripped.replace(word, "")
            if stripped != form and len(re.sub(r"[\W\d_]+", "", stripped)) < 4:
                raise ValidationError(
                    _("This password is mostly the portal's own name. Please choose another."), code="password_context"
                )

    def get_help_text(self):
        return _("Your password cannot be mostly a word like the portal's name (paspor, imigrasi).")


class VarietyValidator:
    """Eight spaces, ten dots or `aaaaaaaa` pass a length check and fall to the first guess:
    a password needs a letter or a digit and at least `min_distinct` different characters."""

    def __init__(self, min_distinct: int = 5):
        self.min_distinct = min_distinct

    def validate(self, password, user=None):
        if not any(ch.isalnum() for ch in password) or len(set(password)) < self.min_distinct:
            message = _(
                "This password repeats too few characters. Mix at least %(count)s different letters, digits or signs."
            )
            raise ValidationError(message % {"count": self.min_distinct}, code="password_too_plain")

    def get_help_text(self):
        return _("Your password must mix at least %(count)s different characters, with a letter or a digit.") % {
            "count": self.min_distinct
        }
