"""Every write to accounts, applications and documents.

Each function is one business action, runs in a transaction, checks who may do it and
when, and leaves an audit row. Web views, API views and the admin all call these.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants import identity, rules, uploads, workflow
from applicants.models import (
    Application,
    ApplicationStatus,
    Document,
    DocumentKind,
    DocumentStatus,
    Fee,
    User,
)
from applicants.notifications import notify_document_rejected, send_account_exists_notice, send_verification_email
from core import locks
from core.audit import log_action
from core.errors import DomainError

S = ApplicationStatus
FINISHED = workflow.FINISHED
OWNER_BIODATA_STATUSES = workflow.OWNER_BIODATA_STATUSES
OWNER_PRODUCT_STATUSES = workflow.OWNER_PRODUCT_STATUSES
OWNER_REPLACE_REJECTED_STATUSES = workflow.OWNER_REPLACE_REJECTED_STATUSES
STAFF_CORRECTION_STATUSES = workflow.STAFF_CORRECTION_STATUSES


# --- Accounts ---------------------------------------------------------------------------


def checked_account_details(full_name: str, phone: str, errors: dict) -> tuple[str, str]:
    """An account holder's name and (optional) mobile number in their stored form; what is
    wrong goes into `errors` by field. One rule for registration and assisted mode."""
    try:
        full_name = identity.check_person_name(full_name)
    except identity.IdentityError as exc:
        errors["full_name"] = [str(exc)]
    if phone:
        try:
            phone = identity.check_phone(phone)
        except identity.IdentityError as exc:
            errors["phone"] = [str(exc)]
    return full_name, phone


def invalid_details(errors: dict) -> DomainError:
    return DomainError(
        "invalid", _("Some of the information is not valid. Please check the marked fields."), fields=errors
    )


@locks.use_case
def user_register(*, email: str, password: str, full_name: str, phone: str = "", language: str = "id") -> str:
    """Create the account and e-mail its confirmation link; the normalised address.

    A known address gets the same answer (nothing says whether an account exists) and its
    owner gets an e-mail instead: someone tried to register with it, sign in or reset."""
    email = User.objects.normalize_email(email)
    errors: dict[str, list[str]] = {}
    full_name, phone = checked_account_details(full_name, phone, errors)
    candidate = User(email=email, full_name=full_name, phone=phone)
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise invalid_details(errors)
    existing = User.objects.filter(email=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email, password=password, full_name=full_name, phone=phone, language=language
                )
        except IntegrityError:  # the same address registered at the same moment
            existing = User.objects.filter(email=email).first()
        else:
            log_action(None, user, "account_registered", data={"user": user.pk}, public=False)
            transaction.on_commit(lambda: send_verification_email(user))
            return email
    make_password(password)  # the same work as creating an account: the time says nothing either
    if existing is not None:
        transaction.on_commit(lambda: send_account_exists_notice(existing))
    return email


@locks.use_case
def user_verify_email(*, user: User) -> User:
    updated = User.objects.filter(pk=user.pk, email_verified_at__isnull=True).update(email_verified_at=timezone.now())
    if updated:
        log_action(None, user, "email_verified", data={"user": user.pk}, public=False)
    user.refresh_from_db(fields=["email_verified_at"])
    return user


# --- Applications -------------------------------------------------------------------------


def _lock(application: Application) -> Application:
    return locks.lock(Application.objects, application.pk)


def _invalid(fields: dict[str, list[str]]) -> DomainError:
    return DomainError(
        "invalid", _("Some of the information is not valid. Please check the marked fields."), fields=fields
    )


def _jsonable(value):
    return value.isoformat() if isinstance(value, date) else value


@locks.use_case
def application_create(*, owner: User, data: dict) -> Application:
    """Start a draft. Partial data is fine; whatever is given must already be valid."""
    # Lock the account so two simultaneous creations cannot both slip under the cap.
    User.objects.select_for_update().filter(pk=owner.pk).first()
    active = Application.objects.filter(owner=owner).exclude(status__in=FINISHED).count()
    if active >= settings.MAX_ACTIVE_APPLICATIONS_PER_ACCOUNT:
        raise DomainError(
            "too_many_applications",
            _("An account may have at most %(count)s applications in progress. Finish or cancel one first.")
            % {"count": settings.MAX_ACTIVE_APPLICATIONS_PER_ACCOUNT},
            status=409,
        )
    clean, errors = rules.clean_values(data)
    application = Application(owner=owner, **clean)
    errors.update({k: v for k, v in rules.check_consistency(rules.values_of(application)).items() if k not in errors})
    if errors:
        raise _invalid(errors)
    application.save()
    log_action(application, owner, "application_created", to_status=S.DRAFT)
    return application


# What the apps above do when an application's details change (`register_change_follower`,
# called from their `AppConfig.ready`): a booking keeps its copy of the NIK and its lane in
# step. Each runs with the application locked, in the change's transaction, and may refuse
# the change with a DomainError, which rolls it back.
_CHANGE_FOLLOWERS: list = []


def register_change_follower(follow) -> None:
    if follow not in _CHANGE_FOLLOWERS:
        _CHANGE_FOLLOWERS.append(follow)


def _prepare_update(application: Application, actor: User, data: dict) -> tuple[dict, dict]:
    """Check a correction without writing: return (changed fields as [old, new], new values)."""
    by_staff = actor.pk != application.owner_id
    # Locked fields are compared as they would be stored: the same NIK typed with spaces or
    # in other digits is not a change.
    clean, errors = rules.clean_values(data)
    if by_staff:
        if not actor.has_perm("applicants.change_application"):
            raise DomainError("permission_denied", _("You may not correct applications."), status=403)
        workflow.refuse_conflict(application, actor)
        if application.status not in STAFF_CORRECTION_STATUSES:
            raise _not_editable(application)
    else:
        if application.status not in OWNER_BIODATA_STATUSES:
            raise _not_editable(application)
        locked = [f for f in rules.PRODUCT_FIELDS if f in data and application.status not in OWNER_PRODUCT_STATUSES]
        locked = [f for f in locked if clean.get(f, data[f]) != getattr(application, f)]
        if locked:
            message = _(
                "The passport type, validity, service and reason cannot change once a place is booked; "
                "cancel the booking first."
            )
            raise DomainError("product_locked", message, status=409, fields={f: [message] for f in locked})
        bound = [f for f in rules.IDENTITY_FIELDS if f in data and application.status not in (S.DRAFT, S.SUBMITTED)]
        bound = [f for f in bound if clean.get(f, data[f]) != getattr(application, f)]
        if bound:
            message = _(
                "A booked place belongs to the person it was booked for: the NIK, name, date of birth and sex "
                "cannot change. Cancel the booking first."
            )
            raise DomainError("identity_locked", message, status=409, fields={f: [message] for f in bound})

    if errors:
        raise _invalid(errors)
    before = rules.values_of(application)
    after = {**before, **clean}
    if application.status == S.DRAFT:
        problems = rules.check_consistency(after)
    else:
        # Once submitted, a correction must leave the application complete.
        problems = {k: v for k, v in rules.submission_problems(after, {}).items() if not k.startswith("documents.")}
    if problems:
        raise _invalid(problems)
    changed = {f: [_jsonable(before[f]), _jsonable(after[f])] for f in clean if before[f] != after[f]}
    return changed, after


def application_check_update(*, application: Application, actor: User, data: dict) -> None:
    """Raise the DomainError that `application_update` would, without changing anything:
    the change is made, with everything that follows it in other apps, and rolled back."""
    with transaction.atomic():
        _update(application=application, actor=actor, data=data, reason="")
        transaction.set_rollback(True)


@locks.use_case
def application_update(*, application: Application, actor: User, data: dict, reason: str = "") -> Application:
    """Correct an application. Staff corrections are recorded as such, with their reason."""
    return _update(application=application, actor=actor, data=data, reason=reason)


def _update(*, application: Application, actor: User, data: dict, reason: str) -> Application:
    application = _lock(application)
    changed, after = _prepare_update(application, actor, data)
    if not changed:
        return application
    for field in changed:
        setattr(application, field, after[field])
    application.save()
    for follow in _CHANGE_FOLLOWERS:
        follow(application=application, actor=actor, changed=changed)
    log_action(
        application,
        actor,
        "application_corrected_by_staff" if actor.pk != application.owner_id else "application_updated",
        from_status=application.status,
        to_status=application.status,
        reason=reason,
        data={"changed": changed},
    )
    return application


def _not_editable(application: Application) -> DomainError:
    return DomainError(
        "not_editable",
        _("This application can no longer be changed (status: %(status)s).")
        % {"status": application.get_status_display()},
        status=409,
    )


def application_problems(application: Application) -> dict[str, list[str]]:
    present = dict(application.documents.values_list("kind", "status"))
    return rules.submission_problems(rules.values_of(application), present)


@locks.use_case
def application_submit(*, application: Application, actor: User) -> Application:
    """Check completeness and submit. Submitting twice is harmless (a flaky network retries)."""
    application = _lock(application)
    if application.status != S.DRAFT:
        if application.status in OWNER_BIODATA_STATUSES | OWNER_REPLACE_REJECTED_STATUSES:
            return application
        raise _not_editable(application)
    problems = application_problems(application)
    if problems:
        count = len(problems)
        raise DomainError(
            "application_incomplete",
            _("The application is not complete yet: %(count)s item(s) need your attention.") % {"count": count},
            fields=problems,
        )
    application.submitted_at = timezone.now()
    application.save(update_fields=["submitted_at"])
    return workflow.transition(application, "submit", actor)


# --- Documents -------------------------------------------------------------------------------


def document_upload(*, application: Application, actor: User, kind: str, upload) -> Document:
    """Store a document, replacing the current one of the same kind.

    Decoding and re-encoding happen before the transaction: they are slow and need no lock.
    """
    if kind not in DocumentKind.values:
        message = _("Choose what kind of document this is.")
        raise DomainError("invalid", message, fields={"kind": [message]})
    processed = uploads.process_upload(upload)
    return _document_store(application=application, actor=actor, kind=kind, processed=processed)


@locks.use_case
def _document_store(*, application, actor, kind, processed: uploads.ProcessedFile) -> Document:
    application = _lock(application)
    on_behalf = actor.pk != application.owner_id
    current = Document.objects.filter(application=application, kind=kind).first()
    if on_behalf:
        if not actor.has_perm("applicants.add_document") or application.status not in STAFF_CORRECTION_STATUSES:
            raise DomainError("permission_denied", _("You may not upload documents for this application."), status=403)
        workflow.refuse_conflict(application, actor)
    elif application.status not in OWNER_BIODATA_STATUSES and not (
        application.status in OWNER_REPLACE_REJECTED_STATUSES and current and current.status == DocumentStatus.REJECTED
    ):
        raise DomainError(
            "documents_locked",
            _("Documents can no longer be changed here; only a rejected document can be sent again."),
            status=409,
        )
    if current is not None:
        _delete_file_after_commit(current)
        current.delete()
    document = Document(
        application=application,
        kind=kind,
        content_type=processed.content_type,
        original_name=processed.original_name,
        size=processed.size,
        sha256=processed.sha256,
        width=processed.width,
        height=processed.height,
        page_count=processed.page_count,
        quality_warnings=processed.warnings,
        uploaded_by=actor,
        uploaded_on_behalf=on_behalf,
    )
    document.file.save("upload", ContentFile(processed.content), save=False)
    if document.is_image:
        _save_thumbnail(document, processed.content)
    try:
        document.save()
    except Exception:
        document.file.storage.delete(document.file.name)
        if document.thumbnail:
            document.thumbnail.storage.delete(document.thumbnail.name)
        raise
    log_action(
        application,
        actor,
        "document_uploaded_by_staff" if on_behalf else "document_uploaded",
        data={"kind": kind, "replaced": current is not None},
    )
    return document


def _save_thumbnail(document: Document, content: bytes) -> None:
    document.thumbnail.save("thumb", ContentFile(uploads.thumbnail_of(content)), save=False)


def document_thumbnail_ensure(document: Document) -> Document:
    """A photo uploaded before previews existed gets its preview on first request; one write,
    and a second request racing it only makes the same small file again."""
    if not document.thumbnail:
        with document.file.open("rb") as stored:
            _save_thumbnail(document, stored.read())
        Document.objects.filter(pk=document.pk, thumbnail="").update(thumbnail=document.thumbnail.name)
    return document


def _delete_file_after_commit(document: Document) -> None:
    storage, names = document.file.storage, [f.name for f in (document.file, document.thumbnail) if f]
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


@locks.use_case
def document_delete(*, document: Document, actor: User) -> None:
    application = _lock(document.application)
    if actor.pk != application.owner_id or application.status != S.DRAFT:
        raise DomainError(
            "documents_locked",
            _("A document can only be removed while the application is a draft; upload a new one to replace it."),
            status=409,
        )
    _delete_file_after_commit(document)
    document.delete()
    log_action(application, actor, "document_removed", data={"kind": document.kind})


@locks.use_case
def document_review(*, document: Document, actor: User, accepted: bool, reason: str = "") -> Document:
    """Staff accept a document, or reject it with a reason the applicant will read."""
    if not actor.has_perm("applicants.review_document"):
        raise DomainError("permission_denied", _("You may not review documents."), status=403)
    reason = " ".join((reason or "").split())
    if not accepted and not reason:
        message = _("Tell the applicant why the document is rejected.")
        raise DomainError("reason_required", message, fields={"reason": [message]})
    application = _lock(document.application)
    workflow.refuse_conflict(application, actor)
    document = Document.objects.select_for_update().get(pk=document.pk)
    old = document.status
    document.status = DocumentStatus.ACCEPTED if accepted else DocumentStatus.REJECTED
    document.rejection_reason = "" if accepted else reason
    document.reviewed_by = actor
    document.reviewed_at = timezone.now()
    document.save(update_fields=["status", "rejection_reason", "reviewed_by", "reviewed_at"])
    log_action(
        application,
        actor,
        "document_accepted" if accepted else "document_rejected",
        reason=document.rejection_reason,
        data={"kind": document.kind, "from": old},
    )
    if not accepted:
        transaction.on_commit(lambda: notify_document_rejected(document))
    return document


# --- The fee schedule ------------------------------------------------------------------------


def fee_check(*, amount: int, effective_from: datetime) -> None:
    """Raise the DomainError that `fee_add` would, without changing anything."""
    if effective_from < timezone.now():
        message = _("A new price must start in the future; prices already in force cannot be changed.")
        raise DomainError("fee_in_the_past", message, fields={"effective_from": [message]})
    if amount < 0:
        message = _("A fee cannot be negative.")
        raise DomainError("invalid", message, fields={"amount": [message]})


@transaction.atomic
def fee_add(*, product: str, amount: int, effective_from: datetime, actor, legal_basis: str = "") -> Fee:
    """Add a future price. Prices already in force are history and are never edited."""
    fee_check(amount=amount, effective_from=effective_from)
    fee, _created = Fee.objects.update_or_create(
        product=product, effective_from=effective_from, defaults={"amount": amount, "legal_basis": legal_basis}
    )
    data = {"product": product, "amount": amount, "effective_from": effective_from.isoformat()}
    log_action(None, actor, "fee_scheduled", data=data, public=False)
    return fee
