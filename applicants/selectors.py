"""Reads of applications and documents, scoped to who is asking.

Another person's application is indistinguishable from one that does not exist: every
lookup for an applicant filters by owner and answers 404 otherwise.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from applicants import rules, workflow
from applicants.assisted import assisting
from applicants.models import Application, Document
from core.models import AuditEntry
from core.security_log import security_event


def applications_of(user) -> QuerySet[Application]:
    return Application.objects.filter(owner=user).order_by("-created_at")


def _not_found(user, model, pk) -> Http404:
    """404 either way; when the object exists (someone else's), the attempt is a security event."""
    try:
        exists = model.objects.filter(pk=pk).exists()
    except (ValidationError, ValueError, TypeError):
        exists = False
    if exists:
        security_event("object_access_refused", user=user, object=model._meta.label, object_id=pk)
    return Http404()


def application_of(user, application_id) -> Application:
    """The applicant's own application, or one a member of customer service is filling in
    with a walk-in applicant (assisted mode, until it is handed over)."""
    try:
        application = Application.objects.select_related("owner").get(pk=application_id)
    except (Application.DoesNotExist, ValidationError, ValueError, TypeError):  # bad UUIDs too
        raise _not_found(user, Application, application_id) from None
    if application.owner_id == user.pk or (user.is_staff and assisting(user, application)):
        return application
    raise _not_found(user, Application, application_id)


def document_of(user, application_id, document_id) -> Document:
    application = application_of(user, application_id)
    try:
        return application.documents.get(pk=document_id)
    except (Document.DoesNotExist, ValidationError, ValueError, TypeError):
        raise _not_found(user, Document, document_id) from None


def document_for_download(user, document_id) -> Document:
    """The owner, or staff allowed to view documents of an application in their offices, may
    fetch the file; every staff view of someone else's document is on the security log."""
    documents = Document.objects.select_related("application")
    if user.is_staff and user.has_perm("applicants.view_document"):
        if not sees_every_office(user):
            in_my_offices = Q(application__in=applications_visible_to(user).values("pk"))
            documents = documents.filter(in_my_offices | Q(application__owner=user))
    else:
        documents = documents.filter(application__owner=user)
    try:
        document = documents.get(pk=document_id)
    except (Document.DoesNotExist, ValidationError, ValueError, TypeError):
        raise _not_found(user, Document, document_id) from None
    if document.application.owner_id != user.pk:
        security_event(
            "staff_viewed_document",
            user=user,
            level=20,
            document_id=document.pk,
            application_id=document.application_id,
            kind=document.kind,
        )
    return document


def documents_checklist(application: Application) -> list[dict]:
    """Each required document with what has been uploaded for it, for the upload page."""
    values = rules.values_of(application)
    uploaded = {doc.kind: doc for doc in application.documents.all()}
    out = []
    for requirement in rules.required_documents(values):
        documents = [uploaded[kind] for kind in requirement.kinds if kind in uploaded]
        out.append(
            {"requirement": requirement, "documents": documents, "done": any(d.status != "rejected" for d in documents)}
        )
    return out


def audit_trail_of(application: Application) -> QuerySet[AuditEntry]:
    """Every entry of the application, public or not, for staff."""
    return AuditEntry.objects.filter(application_id=application.pk).select_related("actor").order_by("created_at", "id")


def timeline_of(application: Application) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.filter(application_id=application.pk, public=True)
    return entries.select_related("actor").order_by("created_at", "id")


def owner_actions(application: Application) -> set[str]:
    """What the applicant may do to the application now: pages offer only these (the
    services refuse the rest with the same rule)."""
    status = application.status
    actions = set()
    if status in workflow.OWNER_BIODATA_STATUSES:
        actions |= {"edit_details", "upload_documents"}
    if status in workflow.OWNER_PRODUCT_STATUSES:
        actions.add("edit_product")
    if status in workflow.OWNER_REPLACE_REJECTED_STATUSES and application.documents.filter(status="rejected").exists():
        actions.add("replace_rejected_documents")
    if status == workflow.S.DRAFT:
        actions |= {"remove_documents", "submit"}
    if workflow.MACHINE.can(application, "withdraw"):
        actions.add("withdraw")
    return actions


# Office scope: staff see the applicants of the offices they are posted to
# (queueing.StaffPosting), never every applicant nationwide. Written with the reverse
# relations (`postings`, `bookings`), so this layer imports nothing above it.
ALL_OFFICES = "queueing.view_all_offices"


def sees_every_office(user) -> bool:
    """Superusers and holders of `queueing.view_all_offices` (supervisors) see every office."""
    return bool(user.is_active and user.is_staff and (user.is_superuser or user.has_perm(ALL_OFFICES)))


def posted_office_ids(user) -> list[int]:
    if not (user.is_active and user.is_staff and user.pk):
        return []
    return list(user.postings.values_list("office_id", flat=True))


def is_posted(user) -> bool:
    return sees_every_office(user) or bool(posted_office_ids(user))


def applications_visible_to(user, queryset: QuerySet[Application] | None = None) -> QuerySet[Application]:
    """The applications a staff member may see: those booked at an office they are posted to.

    An application belongs to the offices of its bookings, except a booking moved to another
    session (the new booking carries it on). One not yet booked belongs to no office, so only
    those who see every office see it. A staff member posted nowhere sees none (fail closed).
    """
    queryset = Application.objects.all() if queryset is None else queryset
    if sees_every_office(user):
        return queryset
    offices = posted_office_ids(user)
    if not offices:
        return queryset.none()
    # One filter() call: the office and "not moved on" are of the same booking.
    booked_here = Application.objects.filter(bookings__slot__office_id__in=offices, bookings__moved_to__isnull=True)
    return queryset.filter(pk__in=booked_here.values("pk"))


def visible_through(user, queryset: QuerySet, path: str) -> QuerySet:
    """Rows (documents, bills, bookings...) whose application, reached by `path`, the staff member may see."""
    if sees_every_office(user):
        return queryset
    return queryset.filter(**{f"{path}__in": applications_visible_to(user).values("pk")})


def audit_entries_visible_to(user, queryset: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
    """Entries of the applications the staff member may see; entries about no application
    (quotas, fees, postings) only for those who see every office."""
    if sees_every_office(user):
        return queryset
    return queryset.filter(application_id__in=applications_visible_to(user).values("pk"))


def users_visible_to(user, queryset: QuerySet) -> QuerySet:
    """Accounts owning an application the staff member may see (every account for those who see every office)."""
    if sees_every_office(user):
        return queryset
    return queryset.filter(pk__in=applications_visible_to(user).values("owner_id"))
