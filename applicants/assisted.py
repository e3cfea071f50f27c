"""Assisted mode: customer service starts an application with a walk-in applicant who cannot
manage the app, fills it in and scans the documents with them at the desk, then hands the
account over to the applicant's own phone. Every step is audited as done by staff on the
applicant's behalf; the applicant's consent is recorded first, and staff access ends at handover.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from applicants import services, workflow
from applicants.models import Application, User
from core import locks
from core.audit import log_action
from core.errors import DomainError
from core.outbox import notify

ASSIST = "applicants.assist_applicant"


def may_assist(user) -> bool:
    return bool(user.is_active and user.is_staff and user.has_perm(ASSIST))


def assisting(user, application: Application) -> bool:
    """The member of staff who started this application may still work on it: not yet handed
    over, still a draft, and still allowed to assist."""
    return (
        application.assisted_by_id == user.pk
        and application.handed_over_at is None
        and application.status == workflow.S.DRAFT
        and may_assist(user)
    )


def _refused() -> DomainError:
    return DomainError("permission_denied", _("You may not start applications for walk-in applicants."), status=403)


@locks.use_case
def assisted_start(*, staff: User, full_name: str, email: str, phone: str = "", consent: bool) -> Application:
    """Open an account and a draft for a walk-in applicant who agreed to be helped."""
    if not may_assist(staff):
        raise _refused()
    errors: dict[str, list[str]] = {}
    if not consent:
        errors["consent"] = [_("Ask the applicant first, and tick this only if they agree.")]
    full_name, phone = services.checked_account_details(full_name, phone, errors)
    email = User.objects.normalize_email((email or "").strip())
    try:
        validate_email(email)
    except ValidationError:
        email = ""
    if not email or len(email) > 254:
        errors["email"] = [_("Enter the applicant's own e-mail address: the account is handed over to it.")]
    elif User.objects.filter(email__iexact=email).exists():
        errors["email"] = [
            _("This address already has an account: the applicant signs in on their phone and you help them there.")
        ]
    if errors:
        raise services.invalid_details(errors)
    # No password: the applicant chooses one from the handover link, never the officer.
    owner = User.objects.create_user(email=email, password=None, full_name=full_name, phone=phone)
    now = timezone.now()
    application = Application.objects.create(
        owner=owner, full_name=full_name, phone=phone, email=email, assisted_by=staff, assist_consent_at=now
    )
    log_action(
        application,
        staff,
        "assisted_started",
        to_status=workflow.S.DRAFT,
        data={"consent_at": now.isoformat(), "on_behalf": True},
    )
    return application


def handover_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return settings.SITE_URL + reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)])


@locks.use_case
def assisted_handover(*, application: Application, staff: User) -> Application:
    """Send the applicant a link (e-mail and SMS) to choose a password and go on alone; the
    officer's access ends here. Sending again is harmless: a fresh link, the first handover kept."""
    application = Application.objects.select_for_update().select_related("owner").get(pk=application.pk)
    if application.assisted_by_id != staff.pk or not may_assist(staff):
        raise _refused()
    first = application.handed_over_at is None
    if first:
        application.handed_over_at = timezone.now()
        application.save(update_fields=["handed_over_at"])
        log_action(application, staff, "assisted_handed_over", data={"on_behalf": True})
    notify(
        application.owner, "assisted_handover", {"link": handover_link(application.owner), "application": application}
    )
    return application
