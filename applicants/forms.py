"""Web forms. They only parse what was typed; the rules live in rules.py and services.py."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from applicants import identity, login_guard
from applicants.models import Application, DocumentKind
from core.errors import DomainError
from core.throttling import client_address

# Wizard steps: each saves its fields into the draft, so a person can stop and resume
# on another device at any step.
STEPS = {
    "passport": (
        _("Passport"),
        [
            "relationship",
            "passport_type",
            "validity_years",
            "service",
            "reason",
            "old_passport_number",
            "purpose",
            "priority_reason",
        ],
    ),
    "identity": (
        _("Identity"),
        [
            "nik",
            "full_name",
            "sex",
            "place_of_birth",
            "date_of_birth",
            "marital_status",
            "occupation",
            "kk_number",
            "phone",
            "email",
            "naturalised",
            "name_changed",
        ],
    ),
    "family": (
        _("Family"),
        [
            "mother_name",
            "father_name",
            "guardian_relationship",
            "guardian_nik",
            "guardian_name",
            "emergency_contact_name",
            "emergency_contact_phone",
            "emergency_contact_relationship",
        ],
    ),
    "address": (_("Address"), ["address_line", "village", "district", "city", "province", "postal_code"]),
}
STEP_ORDER = list(STEPS)

_NUMERIC = {"nik", "kk_number", "guardian_nik", "postal_code"}
_PHONES = {"phone", "emergency_contact_phone"}
_AUTOCOMPLETE = {
    "full_name": "name",
    "phone": "tel",
    "email": "email",
    "postal_code": "postal-code",
    "address_line": "street-address",
}
_HELP = {
    "nik": _("16 digits, as printed on your e-KTP or family card."),
    "kk_number": _("16 digits, printed at the top of the family card (KK)."),
    "full_name": _("Exactly as on the e-KTP. A single name is fine."),
    "old_passport_number": _("Printed on the identity page, for example X1234567."),
    "guardian_nik": _("For a child under 17: the NIK of the parent or guardian who applies with the child."),
    "priority_reason": _("The office checks this at the counter. Age-based lanes follow from the date of birth."),
    "reason": _("Saying 'new' while you hold a passport forfeits the fee."),
}


RADIOS_UP_TO = 7


def _step_fields(names: list[str]) -> dict[str, forms.Field]:
    fields = forms.fields_for_model(Application, fields=names)
    for name, field in fields.items():
        # Drafts may be incomplete; completeness is checked when submitting.
        field.required = False
        if name in _NUMERIC or name in _PHONES or name == "old_passport_number":
            # People type numbers with spaces; rules.py normalises and checks them.
            fields[name] = forms.CharField(label=field.label, required=False, max_length=40)
            field = fields[name]
            field.widget.attrs["inputmode"] = "tel" if name in _PHONES else ("numeric" if name in _NUMERIC else "text")
        if name == "date_of_birth":
            field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        if name in _AUTOCOMPLETE:
            field.widget.attrs["autocomplete"] = _AUTOCOMPLETE[name]
        if name in _HELP:
            field.help_text = _HELP[name]
        choices = list(getattr(field, "choices", None) or [])
        if name == "validity_years":
            choices = [("", ""), (5, _("5 years")), (10, _("10 years"))]
        if choices and len(choices) <= RADIOS_UP_TO + 1:
            # A short list as radio buttons: one tap each, every option in view, nothing hidden in
            # a picker. Nothing ticked means "not chosen yet" (drafts may be incomplete).
            field.choices = [choice for choice in choices if choice[0] != ""]
            field.widget = forms.RadioSelect(choices=field.choices)
        elif choices and choices[0][0] == "":
            # Django's "---------" reads as a broken page to a newcomer.
            field.choices = [("", _("Choose…")), *choices[1:]]
    return fields


STEP_FORMS = {
    step: type(f"{step.title()}StepForm", (forms.Form,), _step_fields(names)) for step, (_label, names) in STEPS.items()
}


class RegisterForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        help_text=_("As on your e-KTP."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        if data.get("phone"):
            try:
                data["phone"] = identity.check_phone(data["phone"])
            except identity.IdentityError as exc:
                self.add_error("phone", str(exc))
        return data


class EmailAuthenticationForm(AuthenticationForm):
    """Sign-in by e-mail, case-insensitive, with the same guessing guard as the API."""

    username = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean(self):
        return guarded_sign_in(self, super().clean)


def guarded_sign_in(form, check_password):
    """One sign-in rule for the applicant's and the staff's sign-in forms (the API's uses the
    same guard): the e-mail normalised once, the attempt counted before the password is read."""
    address = client_address(form.request) if form.request else "unknown"
    try:
        email = login_guard.normalise(form.cleaned_data.get("username"))
        if not email:  # the field already says what is missing
            return check_password()
        form.cleaned_data["username"] = email
        login_guard.begin(email, address)
    except DomainError as exc:
        raise ValidationError(exc.message, code=exc.code) from None
    data = check_password()
    login_guard.succeeded(email, address)
    return data


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    file = forms.FileField(
        label=_("Photo or scan"),
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/heic,image/heif,application/pdf"}),
    )


class ReviewDecisionForm(forms.Form):
    accepted = forms.TypedChoiceField(choices=[("1", _("Accept")), ("0", _("Reject"))], coerce=lambda v: v == "1")
    reason = forms.CharField(label=_("Reason shown to the applicant"), max_length=300, required=False)
