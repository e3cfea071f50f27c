"""Offline checks of Indonesian identity numbers (NIK, KK) and of names and phones.

The NIK is `PP RR DD dd mm yy SSSS`: province, regency and district of first registration,
birth day (plus 40 for women), month, two-digit year and a serial from 0001. Nothing here
calls Dukcapil; the office checks the originals at the visit.

Every number a person types (NIK, KK, postal code, phone, passport number, booking code)
is read by one rule, `typed_number`, and stored only in the ASCII form given by the
`*_PATTERN` constants below; the database refuses any other form (CHECK constraints built
from the same patterns), so one person's NIK can never be stored two ways.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import phonenumbers
from django.utils import formats, timezone
from django.utils.translation import gettext as _

PROVINCES = {
    "11": "Aceh", "12": "Sumatera Utara", "13": "Sumatera Barat", "14": "Riau", "15": "Jambi",
    "16": "Sumatera Selatan", "17": "Bengkulu", "18": "Lampung", "19": "Kepulauan Bangka Belitung",
    "21": "Kepulauan Riau", "31": "DKI Jakarta", "32": "Jawa Barat", "33": "Jawa Tengah",
    "34": "DI Yogyakarta", "35": "Jawa Timur", "36": "Banten", "51": "Bali", "52": "Nusa Tenggara Barat",
    "53": "Nusa Tenggara Timur", "61": "Kalimantan Barat", "62": "Kalimantan Tengah",
    "63": "Kalimantan Selatan", "64": "Kalimantan Timur", "65": "Kalimantan Utara",
    "71": "Sulawesi Utara", "72": "Sulawesi Tengah", "73": "Sulawesi Selatan", "74": "Sulawesi Tenggara",
    "75": "Gorontalo", "76": "Sulawesi Barat", "81": "Maluku", "82": "Maluku Utara", "91": "Papua",
    "92": "Papua Barat", "93": "Papua Selatan", "94": "Papua Tengah", "95": "Papua Pegunungan",
    "96": "Papua Barat Daya",
}  # fmt: skip


class IdentityError(ValueError):
    """A number or name that cannot be right; the message explains it in plain words."""


# The stored forms, in a regex syntax that Python and PostgreSQL read alike (ASCII ranges,
# never \d, which matches other scripts' digits).
NIK_PATTERN = r"[0-9]{16}"
KK_PATTERN = r"[0-9]{16}"
POSTAL_CODE_PATTERN = r"[0-9]{5}"  # and none starts with 0, which the check adds
PHONE_PATTERN = r"\+628[0-9]{7,12}"
PASSPORT_NUMBER_PATTERN = r"[A-Z0-9]{7,9}"

# Far longer than any number written with separators; longer input is refused before any work.
MAX_TYPED_LENGTH = 64

_SEPARATOR_CATEGORIES = {"Zs", "Zl", "Zp", "Pd"}  # spaces of every width, hyphens and dashes
_ASCII_DIGITS = re.compile(r"[0-9]*")
_HAS_ASCII_DIGIT = re.compile(r"[0-9]")
_MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def typed_number(value: object, *, drop: str = "", upper: bool = False) -> str:
    """What a person typed for a number or code, rewritten character by character.

    The one rule for every number people type:

    - a decimal digit of any script (Unicode category Nd: ASCII, full-width, Arabic-Indic,
      Persian, Devanagari, Thai, Javanese, ...) becomes its ASCII digit: people paste from
      phones set to other keyboards, and the digit means the same;
    - a separator people put between groups is dropped: any kind of space, a dot, a hyphen
      or dash (full-width forms included, after NFKC), and the characters in `drop`;
    - an invisible formatting character (category Cf: zero-width space, direction marks,
      byte-order mark, soft hyphen) is dropped, since nobody can see it to remove it;
    - any other character is replaced by its NFKC form when that is plain ASCII without a
      digit (full-width letters and signs: `Ｘ` becomes `X`, `＋` becomes `+`), upper-cased
      when `upper`; otherwise it is kept as it was, so the caller's ASCII pattern refuses
      it. Superscripts, subscripts, fractions, circled and Roman numerals are numbers but
      not decimal digits: NFKC would turn `²` or `①` into a digit, but nobody types them for
      a NIK, so they are refused, never read as digits. So are combining marks.

    The result is not yet checked: each caller matches it against its stored pattern. Only
    IdentityError is ever raised, for input longer than MAX_TYPED_LENGTH.
    """
    text = "" if value is None else str(value)
    if len(text) > MAX_TYPED_LENGTH:
        raise IdentityError(_("This is far too long for a number. Please type it again."))
    separators, out = set(drop), []
    for char in text:
        category = unicodedata.category(char)
        if category == "Nd":
            out.append(str(unicodedata.decimal(char)))
            continue
        if category == "Cf":
            continue
        folded = unicodedata.normalize("NFKC", char)
        if category in _SEPARATOR_CATEGORIES or folded.isspace() or folded in {".", "-"} or folded in separators:
            continue
        if not category.startswith("N") and folded.isascii() and not _HAS_ASCII_DIGIT.search(folded):
            out.append(folded.upper() if upper else folded)
        else:
            out.append(char)
    return "".join(out)


def typed_code(value: object) -> str:
    """A code read off a screen or paper (booking code, application number), as it is stored:
    `typed_number` upper-cased, or "" for input far too long to be any code."""
    try:
        return typed_number(value, upper=True)
    except IdentityError:
        return ""


@dataclass(frozen=True)
class NikInfo:
    province_code: str
    province: str
    birth_day: int
    birth_month: int
    birth_year_2d: int
    female: bool

    def birth_date_candidates(self) -> list[date]:
        """The dates the six digits can mean: the two-digit year is 19yy or 20yy, not in the future."""
        out = []
        for century in (1900, 2000):
            try:
                born = date(century + self.birth_year_2d, self.birth_month, self.birth_day)
            except ValueError:
                continue
            if born <= timezone.localdate():
                out.append(born)
        return out


def _nik(value: object) -> tuple[str, NikInfo]:
    nik = typed_number(value)
    if not _ASCII_DIGITS.fullmatch(nik):
        raise IdentityError(_("A NIK contains digits only (16 of them), as printed on the e-KTP or the family card."))
    if not re.fullmatch(NIK_PATTERN, nik):
        raise IdentityError(
            _("A NIK has exactly 16 digits, as printed on the e-KTP or the family card. You entered %(count)s.")
            % {"count": len(nik)}
        )
    province = nik[:2]
    if province not in PROVINCES:
        raise IdentityError(
            _("The first two digits of a NIK are a province code; %(code)s is not one. Please check your NIK.")
            % {"code": province}
        )
    if nik[2:4] == "00" or nik[4:6] == "00":
        raise IdentityError(_("Digits 3 to 6 of a NIK are the regency and district codes and cannot be 00."))
    if nik[12:] == "0000":
        raise IdentityError(_("The last four digits of a NIK are a serial number that starts at 0001."))
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    female = day > 40
    if female:
        day -= 40
    info = NikInfo(province, PROVINCES[province], day, month, year, female)
    if not info.birth_date_candidates():
        raise IdentityError(
            _(
                "Digits 7 to 12 of a NIK are the date of birth as DDMMYY (for women the day plus 40). "
                "%(digits)s is not a real date. Please check your NIK."
            )
            % {"digits": nik[6:12]}
        )
    return nik, info


def parse_nik(value: object) -> NikInfo:
    """What the NIK's digits say, or IdentityError explaining what is wrong."""
    return _nik(value)[1]


def check_nik(value: object) -> str:
    """Return the NIK as 16 ASCII digits, or raise IdentityError explaining what is wrong."""
    return _nik(value)[0]


def check_nik_matches(nik: str, date_of_birth: date | None, sex: str | None) -> list[tuple[str, str]]:
    """Compare a valid NIK with the declared date of birth and sex.

    Returns `(field, message)` pairs for each disagreement.
    """
    info = parse_nik(nik)
    problems = []
    if date_of_birth is not None and date_of_birth not in info.birth_date_candidates():
        nik_date = next(
            (d for d in info.birth_date_candidates() if d.year % 100 == date_of_birth.year % 100),
            info.birth_date_candidates()[-1],
        )
        problems.append(
            (
                "date_of_birth",
                _(
                    "Your NIK says you were born on %(nik_date)s, but you entered %(entered)s. "
                    "Please check the NIK and the date of birth against your e-KTP."
                )
                % {
                    "nik_date": formats.date_format(nik_date, "j F Y"),
                    "entered": formats.date_format(date_of_birth, "j F Y"),
                },
            )
        )
    if sex in ("male", "female") and (sex == "female") != info.female:
        problems.append(
            (
                "sex",
                _("Your NIK is that of a woman (the birth day in it has 40 added), but you chose male.")
                if info.female
                else _("Your NIK is that of a man (for women the birth day in it has 40 added), but you chose female."),
            )
        )
    return problems


def check_kk(value: object) -> str:
    kk = typed_number(value)
    if not re.fullmatch(KK_PATTERN, kk):
        raise IdentityError(_("A family card (KK) number has exactly 16 digits."))
    if kk[:2] not in PROVINCES:
        raise IdentityError(
            _("A family card (KK) number starts with a province code; %(code)s is not one.") % {"code": kk[:2]}
        )
    return kk


_NAME_RE = re.compile(r"^[^\W\d_]+(?:[ .,'\-]+[^\W\d_]+)*\.?$")


def check_person_name(value: str) -> str:
    """A name as on the e-KTP. A single word is a valid name: many Indonesians have one.

    NFKC first, so a name typed in full-width letters is stored (and compared) as the same name.
    """
    name = " ".join(unicodedata.normalize("NFKC", value or "").split())
    if not name:
        raise IdentityError(_("Please enter the name."))
    if not _NAME_RE.match(name):
        raise IdentityError(
            _("A name may contain letters, spaces, apostrophes, dots, commas and hyphens only, as on the e-KTP.")
        )
    return name


def check_phone(value: object) -> str:
    """An Indonesian mobile number, written 08..., 628... or +628...; stored as +628...

    The digits are read by `typed_number` and must already have the stored shape
    (PHONE_PATTERN, ASCII only, so phonenumbers never reads letters or look-alike digits);
    phonenumbers then decides whether they are a real Indonesian mobile number (the operator
    prefixes and the lengths each allows), which refuses landlines and numbers too short or
    too long. Only IdentityError is ever raised.
    """
    refusal = IdentityError(_("Please enter an Indonesian mobile number, for example 0812 3456 7890."))
    raw = typed_number(value, drop="()")
    if raw.startswith("+"):
        raw = raw[1:]
    if raw.startswith("0"):
        raw = "62" + raw[1:]
    phone = "+" + raw
    if not re.fullmatch(PHONE_PATTERN, phone):
        raise refusal
    try:
        number = phonenumbers.parse(phone, "ID")
    except phonenumbers.NumberParseException:
        raise refusal from None
    if (
        phonenumbers.region_code_for_number(number) != "ID"
        or not phonenumbers.is_valid_number_for_region(number, "ID")
        or phonenumbers.number_type(number) not in _MOBILE_TYPES
    ):
        raise refusal
    stored = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if stored != phone or not re.fullmatch(PHONE_PATTERN, stored):  # the pattern (and the CHECK) wins
        raise refusal
    return stored


def check_postal_code(value: object) -> str:
    code = typed_number(value)
    if not re.fullmatch(POSTAL_CODE_PATTERN, code) or code.startswith("0"):
        raise IdentityError(_("A postal code has exactly 5 digits, for example 14310."))
    return code


def check_passport_number(value: object) -> str:
    number = typed_number(value, upper=True)
    if not re.fullmatch(PASSPORT_NUMBER_PATTERN, number):
        raise IdentityError(_("A passport number has 7 to 9 letters and digits, for example X1234567."))
    return number
