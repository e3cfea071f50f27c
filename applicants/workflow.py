"""The application's one state machine.

Every status change of an application goes through `transition`, which checks that the
move is legal from the current status, that the actor may make it, and writes the audit
row (`core.states`). Callers hold the application's row lock, inside a use case.
"""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applicants.models import Application, StaffIdentity
from applicants.models import ApplicationStatus as S
from core.audit import register_labels
from core.errors import DomainError
from core.outbox import deliver
from core.states import Machine, Move, move

APPLICANT = "applicant"  # the account that owns the application
SYSTEM = "system"  # payment gateway, PT Pos, periodic jobs: no person

# An application in one of these is over: it no longer counts against the account's cap,
# is not screened against new travel bans, and its passport cannot be sent or collected.
FINISHED = frozenset({S.COLLECTED, S.DELIVERED, S.CANCELLED, S.REFUSED})
# The applicant may correct biodata until the fee is paid; the price-fixing fields only
# until a place is booked, because the bill was issued for them.
OWNER_BIODATA_STATUSES = frozenset({S.DRAFT, S.SUBMITTED, S.BOOKED, S.EXPIRED})
OWNER_PRODUCT_STATUSES = frozenset({S.DRAFT, S.SUBMITTED, S.EXPIRED})
# After payment a rejected document can still be replaced, until the interview.
OWNER_REPLACE_REJECTED_STATUSES = frozenset({S.PAID, S.CHECKED_IN})
STAFF_CORRECTION_STATUSES = frozenset({S.DRAFT, S.SUBMITTED, S.BOOKED, S.EXPIRED, S.PAID, S.CHECKED_IN, S.INTERVIEWED})

# Each move names who may make it: APPLICANT, SYSTEM and/or staff permission codenames.
PRE_PAYMENT = {S.DRAFT, S.SUBMITTED, S.BOOKED, S.EXPIRED}
CS = "applicants.check_in_application"
VERIFY = "applicants.interview_application"
DECIDE = "applicants.decide_application"
ISSUE = "applicants.issue_passport"
HAND_OVER = "applicants.hand_over_passport"

MOVES: dict[str, Move] = {
    "submit": move({S.DRAFT}, S.SUBMITTED, APPLICANT),
    "book": move({S.SUBMITTED, S.EXPIRED}, S.BOOKED, APPLICANT, CS, SYSTEM),  # SYSTEM: the quota draw
    "cancel_booking": move({S.BOOKED, S.EXPIRED}, S.SUBMITTED, APPLICANT, CS),
    "expire": move({S.BOOKED}, S.EXPIRED, SYSTEM),
    "pay": move({S.BOOKED, S.EXPIRED}, S.PAID, SYSTEM, "billing.reconcile_payment"),
    "check_in": move({S.PAID}, S.CHECKED_IN, CS),
    "no_show": move({S.PAID}, S.CANCELLED, SYSTEM, CS, needs_reason=True),
    "interview": move({S.CHECKED_IN}, S.INTERVIEWED, VERIFY),
    "approve": move({S.INTERVIEWED}, S.APPROVED, DECIDE),
    "refuse": move({S.CHECKED_IN, S.INTERVIEWED}, S.REFUSED, DECIDE, needs_reason=True),
    "print": move({S.APPROVED}, S.PRINTED, ISSUE),
    "ready": move({S.PRINTED}, S.READY, ISSUE, SYSTEM),
    "ship": move({S.PRINTED, S.READY}, S.SHIPPED, ISSUE, SYSTEM),
    "deliver": move({S.SHIPPED}, S.DELIVERED, SYSTEM),
    "return_to_office": move({S.SHIPPED}, S.READY, SYSTEM),
    "collect": move({S.READY}, S.COLLECTED, HAND_OVER),
    "withdraw": move(PRE_PAYMENT, S.CANCELLED, APPLICANT),
    "cancel": move({S.PAID, S.CHECKED_IN, S.INTERVIEWED, S.READY}, S.CANCELLED, DECIDE, SYSTEM, needs_reason=True),
}

register_labels(
    {
        "submit": gettext_lazy("Application submitted"),
        "book": gettext_lazy("Session booked"),
        "cancel_booking": gettext_lazy("Booking cancelled"),
        "expire": gettext_lazy("Payment deadline passed; the place was released"),
        "pay": gettext_lazy("Fee paid"),
        "check_in": gettext_lazy("Checked in at the office"),
        "no_show": gettext_lazy("Did not come to the appointment"),
        "interview": gettext_lazy("Interview, photo and fingerprints done"),
        "approve": gettext_lazy("Application approved"),
        "refuse": gettext_lazy("Application refused"),
        "print": gettext_lazy("Passport printed"),
        "ready": gettext_lazy("Passport ready for pickup"),
        "ship": gettext_lazy("Passport handed to PT Pos"),
        "deliver": gettext_lazy("Passport delivered"),
        "return_to_office": gettext_lazy("Delivery failed; passport returned to the office"),
        "collect": gettext_lazy("Passport collected"),
        "withdraw": gettext_lazy("Application withdrawn"),
        "cancel": gettext_lazy("Application cancelled"),
    }
)


def _same_name(a: str, b: str) -> bool:
    def normal(name: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", name or "").casefold().replace(".", " ").split())

    return bool(normal(a)) and normal(a) == normal(b)


def conflict_of_interest(application: Application, actor) -> bool:
    """Whether this staff member is too close to the application to act on it as an officer.

    Separation of duties: an officer never works on an application that is their own account's,
    is for themselves (the application's NIK is the NIK recorded in their StaffIdentity), is for
    someone on their family card (same KK number), or names them as parent or guardian (the
    guardian's NIK is theirs, or the mother's or father's name is their account's full name:
    the biodata holds parents' names only, so a namesake is refused too, and another officer
    takes the case). Someone with no StaffIdentity is tied to applications by the account only.
    """
    if actor is None or not actor.pk:
        return False
    if actor.pk == application.owner_id:
        return True
    if _same_name(application.mother_name, actor.full_name) or _same_name(application.father_name, actor.full_name):
        return True
    me = StaffIdentity.objects.filter(user_id=actor.pk).first()
    if me is None:
        return False
    return bool(
        application.nik == me.nik
        or application.guardian_nik == me.nik
        or (me.kk_number and application.kk_number == me.kk_number)
    )


def _as_applicant(move: Move, application: Application, actor) -> bool:
    return APPLICANT in move.who and actor is not None and actor.pk == application.owner_id


def may(move: Move, application: Application, actor) -> bool:
    if actor is None:
        return SYSTEM in move.who
    if _as_applicant(move, application, actor):
        return True
    if conflict_of_interest(application, actor):
        return False
    return bool(actor.is_active and actor.is_staff and any(actor.has_perm(p) for p in move.who if "." in p))


def conflict_error() -> DomainError:
    return DomainError(
        "conflict_of_interest",
        _("You may not act on this application: it is your own or a family member's. Ask a colleague."),
        status=403,
    )


def refuse_conflict(application: Application, actor) -> None:
    """Raise `conflict_of_interest` if this staff member is too close to the application
    (for steps outside the state machine too: document review, corrections, travel bans)."""
    if actor is not None and actor.is_staff and conflict_of_interest(application, actor):
        raise conflict_error()


def _refuse_conflicted_move(name: str, application: Application, actor) -> None:
    # The owner acting as the applicant (submit, book, withdraw) is no conflict.
    if not _as_applicant(MOVES[name], application, actor):
        refuse_conflict(application, actor)


MACHINE = Machine("application", MOVES, public=True, authorise=may, timeline=lambda application: application.pk)


def available(application: Application, actor) -> list[str]:
    """The moves this person may make on this application now (for buttons in the admin)."""
    return MACHINE.allowed(application, actor) if actor else []


def check(name: str, application: Application, actor) -> Move:
    """Raise the DomainError that `transition` would, without changing anything."""
    _refuse_conflicted_move(name, application, actor)
    return MACHINE.check(application, name, actor)


def transition(
    application: Application, name: str, actor, *, reason: str = "", data: dict | None = None, public: bool = True
) -> Application:
    """Make a move on the locked application, in the caller's transaction, with its audit row."""
    _refuse_conflicted_move(name, application, actor)
    MACHINE.move(application, name, actor, reason=reason, data=data, public=public)
    if public and settings.CELERY_TASK_ALWAYS_EAGER:
        # No broker and no beat (a developer's machine): tell the applicant right away.
        # Otherwise the beat task `send_notifications` works through the audit log.
        entry_id = application._last_audit_entry.pk
        transaction.on_commit(lambda: deliver(entry_id))
    return application
