"""The office's work on an application after check-in: interview, decision, issue, hand-over,
and the travel-ban check. Every step is a transition of the one state machine (workflow.py),
checked for who and when, and written to the audit log.
"""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants import identity, workflow
from applicants.models import Application
from applicants.models import ApplicationStatus as S
from casework.models import CollectorRelation, FlagStatus, Interview, Issuance, Recommendation, TravelBan, TravelBanFlag
from core import locks
from core.audit import log_action
from core.errors import DomainError
from delivery.models import DeliveryChoice, Method
from delivery.services import shipment_create
from queueing.models import Booking, BookingStatus
from queueing.selectors import closures


def _lock(application: Application) -> Application:
    return locks.lock(Application.objects, application.pk)


def _office_of(application: Application):
    booking = (
        Booking.objects.filter(application=application, status__in=(BookingStatus.CHECKED_IN, BookingStatus.CONFIRMED))
        .select_related("slot__office")
        .order_by("-created_at")
        .first()
    )
    return booking.slot.office if booking else None


# --- Travel bans -------------------------------------------------------------------------------


def _normal_name(name: str) -> str:
    # NFKC and casefold: a name typed in full-width letters or with ligatures is the same name.
    name = unicodedata.normalize("NFKC", name or "").casefold()
    return " ".join(name.replace(".", " ").replace("'", "").split())


def travel_ban_screen(application: Application) -> list[TravelBanFlag]:
    """Flag the application against every active ban on its NIK, or on its name and birth date."""
    today = timezone.localdate()
    bans = TravelBan.objects.filter(is_active=True).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    candidates = (
        bans.filter(Q(nik=application.nik) | Q(date_of_birth=application.date_of_birth)) if application.nik else []
    )
    flags = []
    for ban in candidates:
        if ban.nik and ban.nik == application.nik:
            matched = "nik"
        elif ban.date_of_birth == application.date_of_birth and _normal_name(ban.full_name) == _normal_name(
            application.full_name
        ):
            matched = "name_and_birth_date"
        else:
            continue
        flag, created = TravelBanFlag.objects.get_or_create(
            application=application, ban=ban, defaults={"matched_on": matched}
        )
        if created:
            log_action(
                application, None, "travel_ban_flagged", public=False, data={"ban": ban.pk, "matched_on": matched}
            )
        flags.append(flag)
    return flags


@locks.use_case
def travel_ban_add(
    *,
    actor,
    nik: str = "",
    full_name: str,
    date_of_birth: date | None,
    authority: str,
    reference: str,
    reason: str = "",
    valid_until: date | None = None,
) -> TravelBan:
    if not actor.has_perm("casework.add_travelban"):
        raise DomainError("permission_denied", _("You may not do this."), status=403)
    if nik:
        try:
            nik = identity.check_nik(nik)
        except identity.IdentityError as exc:
            raise DomainError("invalid", str(exc), fields={"nik": [str(exc)]}) from None
    ban = TravelBan.objects.create(
        nik=nik,
        full_name=full_name,
        date_of_birth=date_of_birth,
        authority=authority,
        reference=reference,
        reason=reason,
        valid_until=valid_until,
        created_by=actor,
    )
    log_action(
        None,
        actor,
        "travel_ban_added",
        public=False,
        data={"ban": ban.pk, "authority": authority, "reference": reference},
    )
    # A draft is screened when it reaches the interview; a finished one needs no screening.
    matches = Q(date_of_birth=date_of_birth) if date_of_birth else Q(pk__in=[])
    if nik:
        matches |= Q(nik=nik)
    for application in Application.objects.exclude(status__in={*workflow.FINISHED, S.DRAFT}).filter(matches):
        travel_ban_screen(application)
    return ban


@locks.use_case
def travel_ban_decide(*, flag: TravelBanFlag, actor, uphold: bool, reason: str) -> TravelBanFlag:
    """A supervisor's recorded decision: the ban applies (refuse) or it is someone else (clear).

    Clearing lets a barred person's passport go ahead, so it takes two supervisors: the first
    decision "not the same person" only proposes clearance (who, why, when); a different
    supervisor confirms it. Upholding stays one step: it only stops the application (which a
    single supervisor may refuse anyway), so a second pair of eyes adds nothing to safety; a
    second supervisor may also uphold a proposed clearance.
    """
    if not actor.has_perm("casework.decide_travel_ban"):
        raise DomainError("permission_denied", _("You may not do this."), status=403)
    reason = " ".join((reason or "").split())
    if not reason:
        message = _("Please give a reason.")
        raise DomainError("reason_required", message, fields={"reason": [message]})
    application = _lock(flag.application)
    workflow.refuse_conflict(application, actor)
    flag = locks.lock(TravelBanFlag.objects, flag.pk)
    if flag.status not in (FlagStatus.OPEN, FlagStatus.PROPOSED):
        raise DomainError("already_decided", _("This match has already been decided."), status=409)
    if not uphold and flag.status == FlagStatus.OPEN:
        flag.status = FlagStatus.PROPOSED
        flag.proposed_by, flag.proposed_at, flag.proposal_reason = actor, timezone.now(), reason
        flag.save(update_fields=["status", "proposed_by", "proposed_at", "proposal_reason"])
        log_action(
            application, actor, "travel_ban_clearance_proposed", reason=reason, public=False, data={"ban": flag.ban_id}
        )
        return flag
    if not uphold and flag.proposed_by_id == actor.pk:
        raise DomainError(
            "second_supervisor_required",
            _("Another supervisor must confirm the clearance you proposed."),
            status=403,
        )
    flag.status = FlagStatus.UPHELD if uphold else FlagStatus.CLEARED
    flag.decided_by, flag.decided_at, flag.decision_reason = actor, timezone.now(), reason
    flag.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    log_action(
        application,
        actor,
        "travel_ban_upheld" if uphold else "travel_ban_cleared",
        reason=reason,
        public=False,
        data={"ban": flag.ban_id, **({"proposed_by": flag.proposed_by_id} if flag.proposed_by_id else {})},
    )
    if uphold and application.status in workflow.MOVES["refuse"].sources:
        workflow.transition(
            application,
            "refuse",
            actor,
            reason=_("Travel ban requested by %(authority)s.") % {"authority": flag.ban.get_authority_display()},
        )
    return flag


# --- Interview and decision ---------------------------------------------------------------------


@locks.use_case
def application_interview(
    *,
    application: Application,
    actor,
    photo_taken: bool,
    fingerprints_taken: bool,
    recommendation: str,
    notes: str = "",
    reason: str = "",
) -> Interview:
    application = _lock(application)
    workflow.check("interview", application, actor)
    if not (photo_taken and fingerprints_taken):
        message = _("The photo and the fingerprints must both be taken before the interview is recorded.")
        raise DomainError("biometrics_missing", message, fields={"photo_taken": [message]})
    if recommendation not in Recommendation.values:
        raise DomainError(
            "invalid", _("Choose a recommendation."), fields={"recommendation": [_("Choose a recommendation.")]}
        )
    if recommendation == Recommendation.REFUSE and not reason.strip():
        message = _("Please give a reason.")
        raise DomainError("reason_required", message, fields={"reason": [message]})
    interview = Interview.objects.create(
        application=application,
        verifier=actor,
        photo_taken=True,
        fingerprints_taken=True,
        notes=notes,
        recommendation=recommendation,
        recommendation_reason=reason,
    )
    travel_ban_screen(application)
    workflow.transition(application, "interview", actor, data={"recommendation": recommendation})
    return interview


def working_days_after(office, start: date, days: int) -> date:
    """The date `days` working days after `start` at this office (weekends, holidays skipped)."""
    working = office.working_days if office else [0, 1, 2, 3, 4]
    closed = closures(office, start, start + timedelta(days=days * 3 + 30)) if office else {}
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() in working and day not in closed:
            left -= 1
    return day


@locks.use_case
def application_approve(*, application: Application, actor, passport_number: str) -> Issuance:
    """Approve and record the passport number; the applicant is told the expected ready date."""
    application = _lock(application)
    workflow.check("approve", application, actor)
    travel_ban_screen(application)
    if application.travel_ban_flags.filter(status__in=(FlagStatus.OPEN, FlagStatus.PROPOSED)).exists():
        raise DomainError(
            "travel_ban_unresolved",
            _("This applicant matches a travel ban. A supervisor must record a decision first."),
            status=409,
        )
    if application.travel_ban_flags.filter(status=FlagStatus.UPHELD).exists():
        raise DomainError("travel_ban_upheld", _("A travel ban applies to this applicant."), status=409)
    try:
        number = identity.check_passport_number(passport_number)
    except identity.IdentityError as exc:
        raise DomainError("invalid", str(exc), fields={"passport_number": [str(exc)]}) from None
    office = _office_of(application)
    today = office.local_today() if office else timezone.localdate()
    ready = (
        today
        if application.service == "same_day"
        else working_days_after(office, today, settings.PASSPORT_READY_WORKING_DAYS)
    )
    try:
        with transaction.atomic():
            issuance = Issuance.objects.create(
                application=application,
                passport_number=number,
                approved_by=actor,
                expected_ready_date=ready,
                office=office,
                valid_until=today.replace(year=today.year + (application.validity_years or 5)) - timedelta(days=1),
            )
    except IntegrityError:
        message = _("This passport number is already recorded for another application.")
        raise DomainError("passport_number_taken", message, status=409, fields={"passport_number": [message]}) from None
    workflow.transition(
        application, "approve", actor, data={"passport_number": number, "expected_ready_date": ready.isoformat()}
    )
    return issuance


@locks.use_case
def application_refuse(*, application: Application, actor, reason: str) -> Application:
    application = _lock(application)
    return workflow.transition(application, "refuse", actor, reason=reason)


# --- Issue and hand-over -------------------------------------------------------------------------


@locks.use_case
def passport_print(*, application: Application, actor) -> Issuance:
    application = _lock(application)
    workflow.transition(application, "print", actor)
    Issuance.objects.filter(application=application).update(printed_at=timezone.now())
    return application.issuance


@locks.use_case
def passport_release(*, application: Application, actor) -> Application:
    """A printed passport goes to PT Pos if delivery was chosen, else waits for pickup."""
    application = _lock(application)
    if DeliveryChoice.objects.filter(application=application, method=Method.POS).exists():
        workflow.check("ship", application, actor)
        shipment_create(application=application, actor=actor)
    else:
        workflow.transition(application, "ready", actor)
        Issuance.objects.filter(application=application).update(ready_at=timezone.now())
    return application


@locks.use_case
def passport_hand_over(
    *, application: Application, actor, collector_name: str, relation: str, collector_nik: str = ""
) -> Issuance:
    """Record who collected the passport at the office, and who handed it over."""
    application = _lock(application)
    workflow.check("collect", application, actor)
    errors = {}
    try:
        collector_name = identity.check_person_name(collector_name)
    except identity.IdentityError as exc:
        errors["collector_name"] = [str(exc)]
    if relation not in CollectorRelation.values:
        errors["relation"] = [_("Say who collects the passport.")]
    if relation != CollectorRelation.SELF:
        try:
            collector_nik = identity.check_nik(collector_nik)
        except identity.IdentityError as exc:
            errors["collector_nik"] = [str(exc)]
    if errors:
        raise DomainError(
            "invalid", _("Some of the information is not valid. Please check the marked fields."), fields=errors
        )
    Issuance.objects.filter(application=application).update(
        handed_over_at=timezone.now(),
        handed_over_by=actor,
        collector_name=collector_name,
        collector_relation=relation,
        collector_id_number=collector_nik if relation != CollectorRelation.SELF else "",
    )
    workflow.transition(application, "collect", actor, data={"collected_by": collector_name, "relation": relation})
    return Issuance.objects.get(application=application)


def uncollected_cancel(*, now=None) -> int:
    """Passports not collected within COLLECTION_DAYS are cancelled (DOMAIN.md: one month)."""
    now = now or timezone.now()
    due = Issuance.objects.filter(
        application__status=S.READY, ready_at__lte=now - timedelta(days=settings.COLLECTION_DAYS)
    )
    return sum(
        _cancel_uncollected(application_id=application_id)
        for application_id in due.values_list("application_id", flat=True)
    )


@locks.use_case
def _cancel_uncollected(*, application_id) -> bool:
    application = locks.lock(Application.objects, application_id)
    if not workflow.MACHINE.can(application, "cancel") or application.status != S.READY:
        return False  # collected, shipped or cancelled meanwhile
    workflow.transition(application, "cancel", None, reason=_("Not collected within the collection period."))
    return True
