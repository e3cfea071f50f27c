"""The office workflow: one state machine, checked per role, every step audited."""

from datetime import date

import pytest
from django.core import mail
from django.db import DatabaseError, connection, transaction
from django.test import TestCase

from applicants import services, workflow
from casework import services as casework
from casework.roles import AUDITOR, CUSTOMER_SERVICE, SUPERVISOR, VERIFIER
from core.models import AuditEntry
from core.tasks import send_notifications
from queueing import services as queueing
from tests.conftest import attach, bearer
from tests.factories import StaffFactory, make_office, paid_booking_today
from tests.helpers import domain_error

pytestmark = pytest.mark.django_db

ROLES = [CUSTOMER_SERVICE, VERIFIER, SUPERVISOR, AUDITOR]
# Who may make each move (besides the status it needs). Everything else must be refused.
EXPECTED = {
    "submit": {"applicant"},
    "book": {"applicant", CUSTOMER_SERVICE, "system"},  # system: the quota draw books its winners
    "cancel_booking": {"applicant", CUSTOMER_SERVICE},
    "expire": {"system"},
    "pay": {"system", CUSTOMER_SERVICE},
    "check_in": {CUSTOMER_SERVICE},
    "no_show": {"system", CUSTOMER_SERVICE},
    "interview": {VERIFIER},
    "approve": {SUPERVISOR},
    "refuse": {SUPERVISOR},
    "print": {SUPERVISOR},
    "ready": {SUPERVISOR, "system"},
    "ship": {SUPERVISOR, "system"},
    "deliver": {"system"},
    "return_to_office": {"system"},
    "collect": {CUSTOMER_SERVICE},
    "withdraw": {"applicant"},
    "cancel": {SUPERVISOR, "system"},
}


@pytest.fixture
def office():
    return make_office()


@pytest.fixture
def staff():
    return {role: StaffFactory(role=role) for role in ROLES}


@pytest.mark.parametrize("move", list(EXPECTED))
def test_each_move_is_allowed_exactly_for_its_roles(move, staff, office):
    application = paid_booking_today(office).application
    actors = {"applicant": application.owner, "system": None, **staff}
    allowed = {name for name, actor in actors.items() if workflow.may(workflow.MOVES[move], application, actor)}
    assert allowed == EXPECTED[move]


@pytest.mark.parametrize("move", [m for m in EXPECTED if "paid" not in workflow.MOVES[m].sources])
def test_each_move_is_refused_from_a_status_it_does_not_start_from(move, office):
    application = paid_booking_today(office).application  # "paid": every move listed here starts elsewhere
    allowed = EXPECTED[move]
    if allowed - {"applicant", "system"}:
        actor = StaffFactory(is_superuser=True)
    else:
        actor = application.owner if "applicant" in allowed else None
    with domain_error("illegal_transition"):
        workflow.check(move, application, actor)


def walk_to_interviewed(office, staff, **fields):
    booking = paid_booking_today(office, **fields)
    application = booking.application
    queueing.booking_check_in(code=booking.code, office=office, actor=staff[CUSTOMER_SERVICE])
    casework.application_interview(
        application=application,
        actor=staff[VERIFIER],
        photo_taken=True,
        fingerprints_taken=True,
        recommendation="approve",
    )
    application.refresh_from_db()
    return application


def test_from_check_in_to_collection_each_step_by_its_role_is_audited(office, staff):
    application = walk_to_interviewed(office, staff)
    issuance = casework.application_approve(
        application=application, actor=staff[SUPERVISOR], passport_number="x 1234567"
    )
    casework.passport_print(application=application, actor=staff[SUPERVISOR])
    with TestCase.captureOnCommitCallbacks(execute=True):
        casework.passport_release(application=application, actor=staff[SUPERVISOR])
    casework.passport_hand_over(
        application=application,
        actor=staff[CUSTOMER_SERVICE],
        collector_name="Siti Aminah",
        relation="family",
        collector_nik="3171014708650002",
    )
    application.refresh_from_db()
    issuance.refresh_from_db()
    assert application.status == "collected" and issuance.passport_number == "X1234567"
    assert issuance.handed_over_by == staff[CUSTOMER_SERVICE] and issuance.collector_relation == "family"
    steps = list(
        AuditEntry.objects.filter(application_id=application.pk, action__in=workflow.MOVES).values_list(
            "action", "from_status", "to_status", "actor"
        )
    )
    assert steps[-6:] == [
        ("check_in", "paid", "checked_in", staff[CUSTOMER_SERVICE].pk),
        ("interview", "checked_in", "interviewed", staff[VERIFIER].pk),
        ("approve", "interviewed", "approved", staff[SUPERVISOR].pk),
        ("print", "approved", "printed", staff[SUPERVISOR].pk),
        ("ready", "printed", "ready", staff[SUPERVISOR].pk),
        ("collect", "ready", "collected", staff[CUSTOMER_SERVICE].pk),
    ]
    timeline = [
        e["action"] for e in bearer(application.owner).get(f"/api/v1/applications/{application.pk}/timeline/").json()
    ]
    assert timeline[-6:] == ["check_in", "interview", "approve", "print", "ready", "collect"]


def test_the_wrong_role_is_refused_at_each_step(office, staff):
    booking = paid_booking_today(office)
    application = booking.application
    with domain_error("permission_denied"):
        queueing.booking_check_in(code=booking.code, office=office, actor=staff[VERIFIER])
    queueing.booking_check_in(code=booking.code, office=office, actor=staff[CUSTOMER_SERVICE])
    with domain_error("permission_denied"):
        casework.application_interview(
            application=application,
            actor=staff[CUSTOMER_SERVICE],
            photo_taken=True,
            fingerprints_taken=True,
            recommendation="approve",
        )
    casework.application_interview(
        application=application,
        actor=staff[VERIFIER],
        photo_taken=True,
        fingerprints_taken=True,
        recommendation="approve",
    )
    for role in (VERIFIER, AUDITOR, CUSTOMER_SERVICE):
        with domain_error("permission_denied"):
            casework.application_approve(application=application, actor=staff[role], passport_number="X1234567")
    with domain_error("permission_denied"):
        casework.application_approve(application=application, actor=application.owner, passport_number="X1234567")


def test_the_interview_needs_photo_and_fingerprints(office, staff):
    booking = paid_booking_today(office)
    queueing.booking_check_in(code=booking.code, office=office, actor=staff[CUSTOMER_SERVICE])
    with domain_error("biometrics_missing"):
        casework.application_interview(
            application=booking.application,
            actor=staff[VERIFIER],
            photo_taken=True,
            fingerprints_taken=False,
            recommendation="approve",
        )


def test_a_refusal_needs_a_reason_that_the_applicant_sees(office, staff):
    application = walk_to_interviewed(office, staff)
    with domain_error("reason_required"):
        casework.application_refuse(application=application, actor=staff[SUPERVISOR], reason="  ")
    casework.application_refuse(application=application, actor=staff[SUPERVISOR], reason="Dokumen tidak sesuai aslinya")
    entry = bearer(application.owner).get(f"/api/v1/applications/{application.pk}/timeline/").json()[-1]
    assert entry["action"] == "refuse" and entry["reason"] == "Dokumen tidak sesuai aslinya" and entry["by_staff"]


def test_the_expected_ready_date_counts_the_offices_working_days(office, staff):
    from queueing.models import Closure

    application = walk_to_interviewed(office, staff)
    today = office.local_today()
    expected = casework.working_days_after(office, today, 4)
    Closure.objects.create(office=None, date=expected, reason="Libur")
    issuance = casework.application_approve(
        application=application, actor=staff[SUPERVISOR], passport_number="X7654321"
    )
    assert issuance.expected_ready_date > expected and issuance.expected_ready_date.weekday() < 5


def test_the_audit_log_cannot_be_changed_even_in_the_database(office):
    entry = AuditEntry.objects.filter(application_id=paid_booking_today(office).application.pk).first()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(reason="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        # A connection as the portal opens it (the suite's own may empty tables between tests).
        cursor.execute("SET LOCAL mpaspor.audit_truncate = 'refused'")
        cursor.execute("TRUNCATE core_auditentry")
    entry.refresh_from_db()
    assert entry.reason == ""


def test_every_public_step_is_sent_to_the_applicant_once_through_the_outbox(office, staff, mailoutbox):
    from core.tasks import send_notifications

    booking = paid_booking_today(office)
    send_notifications()
    mailoutbox.clear()
    queueing.booking_check_in(code=booking.code, office=office, actor=staff[CUSTOMER_SERVICE])
    assert send_notifications() == 1
    assert send_notifications() == 0
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [booking.application.owner.email]
    assert booking.application.number in mailoutbox[0].subject


def test_a_sender_killed_after_claiming_loses_nothing_the_step_is_sent_when_the_claim_lapses(
    office, staff, mailoutbox, settings
):
    from datetime import timedelta

    from django.utils import timezone

    from core.models import NotificationDelivery
    from core.outbox import pending_entries
    from core.tasks import send_notifications

    booking = paid_booking_today(office)
    send_notifications()
    mailoutbox.clear()
    queueing.booking_check_in(code=booking.code, office=office, actor=staff[CUSTOMER_SERVICE])
    [entry_id] = pending_entries()
    # A sender claimed it and died before sending: nothing was sent, nothing marked sent.
    NotificationDelivery.objects.create(entry_id=entry_id, claimed_until=timezone.now() + timedelta(minutes=2))
    assert send_notifications() == 0 and mailoutbox == []

    NotificationDelivery.objects.filter(entry_id=entry_id).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert send_notifications() == 1
    assert len(mailoutbox) == 1
    delivery = NotificationDelivery.objects.get(entry_id=entry_id)
    assert delivery.sent_at is not None and delivery.attempts == 1
    assert mailoutbox[0].extra_headers["Message-ID"] == f"<entry-{entry_id}@mpaspor.localhost>"


def test_a_failing_channel_leaves_the_step_to_be_sent_again(office, staff, mailoutbox, monkeypatch):
    from core import outbox
    from core.models import NotificationDelivery
    from core.tasks import send_notifications

    booking = paid_booking_today(office)
    send_notifications()
    mailoutbox.clear()
    queueing.booking_check_in(code=booking.code, office=office, actor=staff[CUSTOMER_SERVICE])

    def smtp_down(*args):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setitem(outbox.CHANNELS, "email", smtp_down)
    assert send_notifications() == 0
    assert NotificationDelivery.objects.filter(sent_at__isnull=True, attempts=1).count() == 1


def test_without_a_broker_the_step_is_sent_right_after_commit(
    office, staff, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    booking = paid_booking_today(office)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        queueing.booking_check_in(code=booking.code, office=office, actor=staff[CUSTOMER_SERVICE])
    assert len(mailoutbox) == 1


class TestTravelBan:
    def ban(self, staff, **fields):
        defaults = {
            "full_name": "Koruptor Kakap",
            "date_of_birth": date(1970, 1, 1),
            "authority": "kpk",
            "reference": "R-01",
        }
        return casework.travel_ban_add(actor=staff[SUPERVISOR], **{**defaults, **fields})

    def test_a_nik_match_blocks_approval_until_a_supervisor_decides(self, office, staff):
        application = walk_to_interviewed(office, staff)
        self.ban(staff, nik=application.nik, full_name="Nama Lain")
        flag = application.travel_ban_flags.get()
        assert flag.matched_on == "nik" and flag.status == "open"
        with domain_error("travel_ban_unresolved"):
            casework.application_approve(application=application, actor=staff[SUPERVISOR], passport_number="X1234567")
        with domain_error("permission_denied"):
            casework.travel_ban_decide(flag=flag, actor=staff[VERIFIER], uphold=False, reason="beda orang")
        casework.travel_ban_decide(flag=flag, actor=staff[SUPERVISOR], uphold=False, reason="NIK salah ketik di surat")
        second = StaffFactory(role=SUPERVISOR)  # clearing takes a second supervisor
        casework.travel_ban_decide(flag=flag, actor=second, uphold=False, reason="Dicek dengan Dukcapil")
        assert casework.application_approve(
            application=application, actor=staff[SUPERVISOR], passport_number="X1234567"
        )

    def test_a_name_and_birth_date_match_is_flagged_too(self, office, staff):
        application = walk_to_interviewed(office, staff)
        self.ban(staff, nik="", full_name=application.full_name.upper(), date_of_birth=application.date_of_birth)
        assert application.travel_ban_flags.get().matched_on == "name_and_birth_date"

    def test_upholding_the_ban_refuses_the_application_with_a_recorded_decision(self, office, staff):
        application = walk_to_interviewed(office, staff)
        self.ban(staff, nik=application.nik)
        casework.travel_ban_decide(
            flag=application.travel_ban_flags.get(), actor=staff[SUPERVISOR], uphold=True, reason="Surat KPK nomor R-01"
        )
        application.refresh_from_db()
        assert application.status == "refused"
        assert AuditEntry.objects.filter(
            application_id=application.pk, action="travel_ban_upheld", actor=staff[SUPERVISOR]
        ).exists()

    def test_a_ban_recorded_after_the_interview_still_blocks_approval(self, office, staff):
        application = walk_to_interviewed(office, staff)
        from casework.models import TravelBan

        TravelBan.objects.create(nik=application.nik, full_name="X", authority="police", reference="LP/1")
        with domain_error("travel_ban_unresolved"):
            casework.application_approve(application=application, actor=staff[SUPERVISOR], passport_number="X1234567")


def test_uploads_send_no_e_mail_each_and_the_submission_lists_every_document(draft):
    send_notifications()  # "application started"
    mail.outbox.clear()
    for kind in ("ktp", "kk", "birth_certificate"):
        attach(draft, kind)
    send_notifications()
    assert [m.subject for m in mail.outbox] == []  # three uploads of one's own: no message each
    services.application_submit(application=draft, actor=draft.owner)
    assert send_notifications() >= 1
    [message] = mail.outbox
    for document in draft.documents.all():
        assert document.get_kind_display() in message.body
