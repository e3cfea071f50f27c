import pytest
from django.core import mail
from django.utils.timezone import localtime

from billing import tasks
from billing.models import Payment
from core.models import AuditEntry
from tests.billing.conftest import notify, paid, past
from tests.factories import StaffFactory
from tests.helpers import committed, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return StaffFactory(role="customer_service")


@pytest.fixture
def officer_client(client, officer):
    sign_in(client, officer)
    return client


def test_staff_reconcile_a_payment_whose_notice_never_arrived(officer_client, officer, booking):
    response = officer_client.post(
        "/admin/billing/payment/reconcile/",
        {
            "billing_code": booking.bill.code,
            "ntpn": "A1B2C3D4E5F6G7H8",
            "ntb": "0001",
            "channel": "teller",
            "amount": booking.bill.amount,
            "paid_at": localtime(booking.bill.issued_at).strftime("%Y-%m-%d %H:%M"),
            "note": "Struk bank diperiksa di loket",
        },
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "confirmed"
    payment = Payment.objects.get()
    assert (
        payment.source == "reconciliation" and payment.recorded_by.email == "person0@example.id" or payment.recorded_by
    )
    assert AuditEntry.objects.filter(
        application_id=booking.application.pk, action="pay", actor=payment.recorded_by
    ).exists()


def test_reconciling_the_same_ntpn_twice_records_it_once(officer_client, booking):
    data = {
        "billing_code": booking.bill.code,
        "ntpn": "A1B2C3D4E5F6G7H8",
        "channel": "teller",
        "amount": booking.bill.amount,
        "paid_at": localtime(booking.bill.issued_at).strftime("%Y-%m-%d %H:%M"),
        "note": "struk",
    }
    officer_client.post("/admin/billing/payment/reconcile/", data)
    officer_client.post("/admin/billing/payment/reconcile/", data)
    assert Payment.objects.count() == 1


def test_late_payments_are_listed_for_refund_and_can_be_marked_refunded(officer_client, anon, booking):
    booking = past(booking, seconds=60)
    notify(anon, paid(booking.bill, minutes_after_issue=24 * 60))
    listing = officer_client.get("/admin/billing/payment/?outcome__exact=refund_due")
    assert booking.bill.code in listing.content.decode()
    payment = Payment.objects.get()
    officer_client.post("/admin/billing/payment/", {"action": "mark_refunded", "_selected_action": [payment.pk]})
    payment.refresh_from_db()
    assert payment.outcome == "refunded"


def test_a_reminder_is_sent_once_before_the_deadline_through_the_outbox(booking, settings):
    from core.tasks import send_notifications

    settings.BILL_REMINDER_SECONDS = 3 * 3600
    mail.outbox.clear()
    assert committed(tasks.send_bill_reminders) == 1
    assert committed(tasks.send_bill_reminders) == 0
    send_notifications()
    send_notifications()
    reminders = [m for m in mail.outbox if booking.bill.code in m.body]
    assert len(reminders) == 1 and booking.application.number in reminders[0].subject
    assert (
        AuditEntry.objects.filter(application_id=booking.application.pk)
        .filter(action="bill_reminder", public=True)
        .count()
        == 1
    )


def test_a_supervisor_sees_who_recorded_a_payment_by_its_ntpn(officer_client, officer, booking, client):
    officer_client.post(
        "/admin/billing/payment/reconcile/",
        {
            "billing_code": booking.bill.code,
            "ntpn": "A1B2C3D4E5F6G7H8",
            "channel": "teller",
            "amount": booking.bill.amount,
            "paid_at": localtime(booking.bill.issued_at).strftime("%Y-%m-%d %H:%M"),
            "note": "struk",
        },
    )
    payment = Payment.objects.get()
    assert payment.recorded_by == officer
    supervisor = StaffFactory(role="supervisor")
    sign_in(client, supervisor)
    listing = client.get("/admin/billing/payment/?source__exact=reconciliation").content.decode()
    assert "A1B2C3D4E5F6G7H8" in listing and officer.email in listing
    assert "A1B2C3D4E5F6G7H8" not in client.get("/admin/billing/payment/?source__exact=gateway").content.decode()
    page = client.get(f"/admin/billing/payment/{payment.pk}/change/")
    assert officer.email in page.content.decode()
    assert "recorded_by" not in page.context["adminform"].form.fields  # shown, never editable
