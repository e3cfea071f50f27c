"""The application's one state machine.

Every status change in every app goes through `transition`, which checks that the move
is legal from the current status, that the actor may make it, and writes the audit row.
Callers hold the application's row lock (they are services inside a transaction).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applicants.models import Application
from applicants.models import ApplicationStatus as S
from core.audit import log_action, register_labels
from core.errors import DomainError

APPLICANT = "applicant"  # the account that owns the application
SYSTEM = "system"  # payment gateway, PT Pos, periodic jobs: no person


@dataclass(frozen=True)
class Move:
    sources: frozenset[str]
    target: str
    who: frozenset[str]  # APPLICANT, SYSTEM and/or staff permission codenames ("applicants.x")
    needs_reason: bool = False


def _m(sources, target, *who, needs_reason=False) -> Move:
    return Move(frozenset(sources), target, frozenset(who), needs_reason)


PRE_PAYMENT = {S.DRAFT, S.SUBMITTED, S.BOOKED, S.EXPIRED}
CS = "applicants.check_in_application"
VERIFY = "applicants.interview_application"
DECIDE = "applicants.decide_application"
ISSUE = "applicants.issue_passport"
HAND_OVER = "applicants.hand_over_passport"

MOVES: dict[str, Move] = {
    "submit": _m({S.DRAFT}, S.SUBMITTED, APPLICANT),
    "book": _m({S.SUBMITTED, S.EXPIRED}, S.BOOKED, APPLICANT, CS),
    "cancel_booking": _m({S.BOOKED, S.EXPIRED}, S.SUBMITTED, APPLICANT, CS),
    "expire": _m({S.BOOKED}, S.EXPIRED, SYSTEM),
    "pay": _m({S.BOOKED, S.EXPIRED}, S.PAID, SYSTEM, "billing.reconcile_payment"),
    "check_in": _m({S.PAID}, S.CHECKED_IN, CS),
    "no_show": _m({S.PAID}, S.CANCELLED, SYSTEM, CS, needs_reason=True),
    "interview": _m({S.CHECKED_IN}, S.INTERVIEWED, VERIFY),
    "approve": _m({S.INTERVIEWED}, S.APPROVED, DECIDE),
    "refuse": _m({S.CHECKED_IN, S.INTERVIEWED}, S.REFUSED, DECIDE, needs_reason=True),
    "print": _m({S.APPROVED}, S.PRINTED, ISSUE),
    "ready": _m({S.PRINTED}, S.READY, ISSUE, SYSTEM),
    "ship": _m({S.PRINTED, S.READY}, S.SHIPPED, ISSUE, SYSTEM),
    "deliver": _m({S.SHIPPED}, S.DELIVERED, SYSTEM),
    "return_to_office": _m({S.SHIPPED}, S.READY, SYSTEM),
    "collect": _m({S.READY}, S.COLLECTED, HAND_OVER),
    "withdraw": _m(PRE_PAYMENT, S.CANCELLED, APPLICANT),
    "cancel": _m({S.PAID, S.CHECKED_IN, S.INTERVIEWED, S.READY}, S.CANCELLED, DECIDE, SYSTEM, needs_reason=True),
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


def available(application: Application, actor) -> list[str]:
    """The moves this person may make on this application now (for buttons in the admin)."""
    return [
        name
        for name, move in MOVES.items()
        if application.status in move.sources and actor and may(move, application, actor)
    ]


def may(move: Move, application: Application, actor) -> bool:
    if actor is None:
        return SYSTEM in move.who
    if APPLICANT in move.who and actor.pk == application.owner_id:
        return True
    return bool(actor.is_active and actor.is_staff and any(actor.has_perm(p) for p in move.who if "." in p))


def check(name: str, application: Application, actor) -> Move:
    """Raise the DomainError that `transition` would, without changing anything."""
    move = MOVES[name]
    if not may(move, application, actor):
        raise DomainError("permission_denied", _("You may not do this."), status=403)
    if application.status not in move.sources:
        raise DomainError(
            "illegal_transition",
            _("This cannot be done while the application is %(status)s.")
            % {"status": application.get_status_display()},
            status=409,
        )
    return move


def transition(
    application: Application, name: str, actor, *, reason: str = "", data: dict | None = None, public: bool = True
) -> Application:
    move = check(name, application, actor)
    reason = " ".join((reason or "").split())
    if move.needs_reason and not reason:
        message = _("Please give a reason.")
        raise DomainError("reason_required", message, fields={"reason": [message]})
    before = application.status
    application.status = move.target
    application.save(update_fields=["status", "updated_at"])
    entry = log_action(
        application, actor, name, from_status=before, to_status=move.target, reason=reason, data=data, public=public
    )
    if public and settings.CELERY_TASK_ALWAYS_EAGER:
        # No broker and no beat (a developer's machine): tell the applicant right away.
        # Otherwise the beat task `send_notifications` works through the audit log.
        from core.outbox import deliver

        transaction.on_commit(lambda: deliver(entry.pk))
    return application
