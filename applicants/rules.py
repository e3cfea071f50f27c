"""The rules an application's content must follow, as pure functions of its values.

Web forms, the API and the admin all pass what a person typed through `clean_values`
(one field at a time) and `check_consistency` (fields against each other), and the submit
step asks `submission_problems` for everything still missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applicants import identity
from applicants.models import DocumentKind, MaritalStatus, PriorityReason, Reason, Sex

ADULT_AGE = 17
ELDERLY_AGE = 60
YOUNG_CHILD_AGE = 5
REPLACEMENT_REASONS = {Reason.EXPIRED, Reason.PAGES_FULL, Reason.LOST, Reason.DAMAGED, Reason.FORCE_MAJEURE}
OLD_PASSPORT_REQUIRED_REASONS = {Reason.EXPIRED, Reason.PAGES_FULL, Reason.DAMAGED}
SAME_DAY_REASONS = {Reason.NEW, Reason.EXPIRED}

# The fields an applicant fills in, and which of them fix the price (locked once booked).
PRODUCT_FIELDS = ("passport_type", "validity_years", "service", "reason")
BIODATA_FIELDS = (
    "relationship",
    "purpose",
    "old_passport_number",
    "nik",
    "kk_number",
    "full_name",
    "sex",
    "place_of_birth",
    "date_of_birth",
    "marital_status",
    "occupation",
    "phone",
    "email",
    "address_line",
    "village",
    "district",
    "city",
    "province",
    "postal_code",
    "mother_name",
    "father_name",
    "guardian_relationship",
    "guardian_nik",
    "guardian_name",
    "emergency_contact_name",
    "emergency_contact_phone",
    "emergency_contact_relationship",
    "naturalised",
    "name_changed",
    "priority_reason",
)
EDITABLE_FIELDS = PRODUCT_FIELDS + BIODATA_FIELDS
# Once a place is booked it belongs to this person: these cannot change (no selling a place on).
IDENTITY_FIELDS = ("nik", "full_name", "date_of_birth", "sex")

REQUIRED_FIELDS = (
    "passport_type",
    "validity_years",
    "reason",
    "purpose",
    "nik",
    "kk_number",
    "full_name",
    "sex",
    "place_of_birth",
    "date_of_birth",
    "phone",
    "address_line",
    "village",
    "district",
    "city",
    "province",
    "postal_code",
    "mother_name",
    "emergency_contact_name",
    "emergency_contact_phone",
)
ADULT_REQUIRED_FIELDS = ("marital_status", "occupation")
CHILD_REQUIRED_FIELDS = ("guardian_relationship", "guardian_nik", "guardian_name")

_NAME_FIELDS = ("full_name", "mother_name", "father_name", "guardian_name", "emergency_contact_name")
_PHONE_FIELDS = ("phone", "emergency_contact_phone")
_TEXT_FIELDS = (
    "place_of_birth",
    "occupation",
    "address_line",
    "village",
    "district",
    "city",
    "province",
    "emergency_contact_relationship",
)


def today() -> date:
    return timezone.localdate()


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def is_adult(values: dict, on: date | None = None) -> bool | None:
    """Adult for passport purposes: 17 or older, or married (now or before). None if unknown."""
    if values.get("marital_status") in (MaritalStatus.MARRIED, MaritalStatus.DIVORCED, MaritalStatus.WIDOWED):
        return True
    born = values.get("date_of_birth")
    if born is None:
        return None
    return age_on(born, on or today()) >= ADULT_AGE


def values_of(application) -> dict:
    return {field: getattr(application, field) for field in EDITABLE_FIELDS}


def priority_eligible(values: dict, on: date | None = None) -> bool:
    """May use the priority lane: declared (checked at the counter) or by age."""
    if values.get("priority_reason"):
        return True
    born = values.get("date_of_birth")
    if born is None:
        return False
    age = age_on(born, on or today())
    return age >= ELDERLY_AGE or age < YOUNG_CHILD_AGE


def clean_values(data: dict) -> tuple[dict, dict[str, list[str]]]:
    """Normalise each given field on its own; return (clean values, errors per field)."""
    clean: dict = {}
    errors: dict[str, list[str]] = {}

    def run(field, check):
        try:
            clean[field] = check(data[field])
        except identity.IdentityError as exc:
            errors[field] = [str(exc)]

    for field, value in data.items():
        if field not in EDITABLE_FIELDS:
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            clean[field] = None if field in ("validity_years", "date_of_birth") else ""
            if field in ("naturalised", "name_changed"):
                clean[field] = False
            continue
        if field in ("nik", "guardian_nik"):
            run(field, identity.check_nik)
        elif field == "kk_number":
            run(field, identity.check_kk)
        elif field in _NAME_FIELDS:
            run(field, identity.check_person_name)
        elif field in _PHONE_FIELDS:
            run(field, identity.check_phone)
        elif field == "postal_code":
            run(field, identity.check_postal_code)
        elif field == "old_passport_number":
            run(field, identity.check_passport_number)
        elif field in _TEXT_FIELDS:
            clean[field] = " ".join(str(value).split())
        elif field == "date_of_birth":
            if value > today():
                errors[field] = [_("The date of birth cannot be in the future.")]
            elif age_on(value, today()) > 120:
                errors[field] = [_("Please check the year of birth.")]
            else:
                clean[field] = value
        elif field == "email":
            clean[field] = str(value).strip().lower()
        else:
            clean[field] = value
    return clean, errors


def check_consistency(values: dict) -> dict[str, list[str]]:
    """Rules between fields, applied to the application as it would be after a change."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(str(message))

    nik = values.get("nik")
    if nik:
        for field, message in identity.check_nik_matches(nik, values.get("date_of_birth"), values.get("sex")):
            add(field, message)
    adult = is_adult(values)
    if values.get("validity_years") == 10 and adult is False:
        add(
            "validity_years",
            _("A 10-year passport is only for applicants aged 17 or older or married; children get 5 years."),
        )
    if values.get("service") == "same_day" and values.get("reason") and values["reason"] not in SAME_DAY_REASONS:
        add("service", _("Same-day service is only for new passports and replacements of expired ones."))
    if values.get("guardian_nik") and values.get("guardian_nik") == nik:
        add("guardian_nik", _("The parent's or guardian's NIK must be different from the applicant's."))
    if values.get("reason") == Reason.NEW and values.get("old_passport_number"):
        add("reason", _("You entered an old passport number, so this is a replacement, not a new passport."))
    born = values.get("date_of_birth")
    priority = values.get("priority_reason")
    if priority == PriorityReason.ELDERLY and (born is None or age_on(born, today()) < ELDERLY_AGE):
        add("priority_reason", _("The elderly priority lane is for applicants aged 60 or older."))
    if priority == PriorityReason.YOUNG_CHILD and (born is None or age_on(born, today()) >= YOUNG_CHILD_AGE):
        add("priority_reason", _("The young-child priority lane is for children under five."))
    if priority == PriorityReason.PREGNANT and values.get("sex") == Sex.MALE:
        add("priority_reason", _("The pregnancy priority lane can only be chosen for a woman."))
    return errors


@dataclass(frozen=True)
class DocumentRequirement:
    key: str
    kinds: tuple[str, ...]
    label: str

    def satisfied_by(self, present: set[str]) -> bool:
        return any(kind in present for kind in self.kinds)


CIVIL_DOCUMENTS = (
    DocumentKind.BIRTH_CERTIFICATE,
    DocumentKind.MARRIAGE_CERTIFICATE,
    DocumentKind.DIPLOMA,
    DocumentKind.BAPTISM_CERTIFICATE,
)


def _single(kind: DocumentKind) -> DocumentRequirement:
    return DocumentRequirement(kind.value, (kind.value,), kind.label)


def required_documents(values: dict) -> list[DocumentRequirement]:
    """The documents this application needs, from its reason and the applicant's age."""
    adult = is_adult(values)
    reason = values.get("reason")
    required = []
    if adult is False:
        required += [
            _single(DocumentKind.PARENT_KTP),
            _single(DocumentKind.KK),
            _single(DocumentKind.BIRTH_CERTIFICATE),
            _single(DocumentKind.PARENTS_MARRIAGE_CERTIFICATE),
        ]
    else:
        required += [
            _single(DocumentKind.KTP),
            _single(DocumentKind.KK),
            DocumentRequirement(
                "civil_document",
                tuple(kind.value for kind in CIVIL_DOCUMENTS),
                gettext_lazy("Birth certificate, marriage certificate or book, school diploma, or baptism certificate"),
            ),
        ]
    if reason in OLD_PASSPORT_REQUIRED_REASONS:
        required.append(_single(DocumentKind.OLD_PASSPORT))
    if reason == Reason.LOST:
        required.append(_single(DocumentKind.POLICE_REPORT))
    if values.get("naturalised"):
        required.append(_single(DocumentKind.NATURALISATION_DECREE))
    if values.get("name_changed"):
        required.append(_single(DocumentKind.NAME_CHANGE_DECREE))
    return required


def submission_problems(values: dict, documents: dict[str, str]) -> dict[str, list[str]]:
    """Everything that stops the application from being submitted, keyed by field.

    `documents` maps each uploaded kind to its review status. Missing documents are
    reported as `documents.<requirement>`.
    """
    problems = check_consistency(values)

    def add(field, message):
        problems.setdefault(field, []).append(str(message))

    required = list(REQUIRED_FIELDS)
    adult = is_adult(values)
    if adult is not False:
        required += ADULT_REQUIRED_FIELDS
    if adult is False:
        required += CHILD_REQUIRED_FIELDS
    if values.get("reason") in OLD_PASSPORT_REQUIRED_REASONS:
        required.append("old_passport_number")
    for field in required:
        if values.get(field) in (None, ""):
            add(field, _("This field is required."))

    usable = {kind for kind, status in documents.items() if status != "rejected"}
    for requirement in required_documents(values):
        if requirement.satisfied_by(usable):
            continue
        rejected = [kind for kind in requirement.kinds if documents.get(kind) == "rejected"]
        if rejected:
            add(
                f"documents.{requirement.key}",
                _("%(document)s was rejected; please upload it again.") % {"document": requirement.label},
            )
        else:
            add(
                f"documents.{requirement.key}",
                _("%(document)s has not been uploaded.") % {"document": requirement.label},
            )
    return problems
