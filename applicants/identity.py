"""Offline checks of Indonesian identity numbers (NIK, KK) and of names and phones.

The NIK is `PP RR DD dd mm yy SSSS`: province, regency and district of first registration,
birth day (plus 40 for women), month, two-digit year and a serial from 0001. Nothing here
calls Dukcapil; the office checks the originals at the visit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

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


def _digits(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "")


def parse_nik(value: str) -> NikInfo:
    nik = _digits(value)
    if not nik.isdigit() or len(nik) != 16:
        raise IdentityError(
            _("A NIK has exactly 16 digits, as printed on the e-KTP or the family card. You entered %(count)s.")
            % {"count": len(nik)}
            if nik.isdigit()
            else _("A NIK contains digits only (16 of them), as printed on the e-KTP or the family card.")
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
    return info


def check_nik(value: str) -> str:
    """Return the NIK as 16 digits, or raise IdentityError explaining what is wrong."""
    parse_nik(value)
    return _digits(value)


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


def check_kk(value: str) -> str:
    kk = _digits(value)
    if not kk.isdigit() or len(kk) != 16:
        raise IdentityError(_("A family card (KK) number has exactly 16 digits."))
    if kk[:2] not in PROVINCES:
        raise IdentityError(
            _("A family card (KK) number starts with a province code; %(code)s is not one.") % {"code": kk[:2]}
        )
    return kk


_NAME_RE = re.compile(r"^[^\W\d_]+(?:[ .,'\-]+[^\W\d_]+)*\.?$")


def check_person_name(value: str) -> str:
    """A name as on the e-KTP. A single word is a valid name: many Indonesians have one."""
    name = " ".join((value or "").split())
    if not name:
        raise IdentityError(_("Please enter the name."))
    if not _NAME_RE.match(name):
        raise IdentityError(
            _("A name may contain letters, spaces, apostrophes, dots, commas and hyphens only, as on the e-KTP.")
        )
    return name


def check_phone(value: str) -> str:
    """An Indonesian mobile number, written 08..., 628... or +628...; stored as +628..."""
    raw = re.sub(r"[\s\-().]", "", value or "")
    if raw.startswith("+"):
        raw = raw[1:]
    if raw.startswith("0"):
        raw = "62" + raw[1:]
    if not (raw.isdigit() and raw.startswith("628") and 10 <= len(raw) <= 15):
        raise IdentityError(_("Please enter an Indonesian mobile number, for example 0812 3456 7890."))
    return "+" + raw


def check_postal_code(value: str) -> str:
    code = (value or "").strip()
    if not (code.isdigit() and len(code) == 5) or code.startswith("0"):
        raise IdentityError(_("A postal code has exactly 5 digits, for example 14310."))
    return code


_PASSPORT_RE = re.compile(r"^[A-Z0-9]{7,9}$")


def check_passport_number(value: str) -> str:
    number = re.sub(r"[\s\-]", "", value or "").upper()
    if not _PASSPORT_RE.match(number):
        raise IdentityError(_("A passport number has 7 to 9 letters and digits, for example X1234567."))
    return number
