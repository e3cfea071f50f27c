"""Assisted mode: customer service starts an application for a walk-in applicant with their
consent, fills it in and scans the documents with them, and hands the account over to the
applicant's phone; every step is audited as staff acting on the applicant's behalf."""

import re

import pytest
from django.core import mail
from django.test import Client

from applicants.models import Application, User
from casework.roles import CUSTOMER_SERVICE, VERIFIER
from core.models import AuditEntry
from core.tasks import send_notifications
from tests.factories import StaffFactory, jpeg_bytes
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db

WALK_IN = {"full_name": "Ahmad Sobari", "email": "ahmad.sobari@example.id", "phone": "0812 5555 6666"}


@pytest.fixture
def desk(client):
    officer = StaffFactory(role=CUSTOMER_SERVICE)
    sign_in(client, officer)
    return client, officer


def _start(client, **extra):
    return client.post("/office/assist/", {**WALK_IN, "consent": "on", **extra})


def test_without_the_applicants_consent_nothing_is_created(desk):
    client, _officer = desk
    response = client.post("/office/assist/", WALK_IN)
    assert response.status_code == 400
    assert "Tanyakan" in response.content.decode()  # "ask the applicant first", in Indonesian
    assert not User.objects.filter(email=WALK_IN["email"]).exists()
    assert not Application.objects.exists()


def test_only_customer_service_may_assist(client):
    sign_in(client, StaffFactory(role=VERIFIER))
    assert _start(client).status_code == 403
    applicant = User.objects.create_user(email="someone@example.id", password="x-very-long-1", full_name="A B")
    other = Client()
    other.force_login(applicant)
    assert other.post("/office/assist/", {**WALK_IN, "consent": "on"}).status_code in (302, 403)
    assert not Application.objects.exists()


def test_an_existing_account_is_not_taken_over(desk):
    client, _officer = desk
    User.objects.create_user(email=WALK_IN["email"], password="x-very-long-1", full_name="Ahmad Sobari")
    response = _start(client, email=WALK_IN["email"].upper())
    assert response.status_code == 400
    assert not Application.objects.exists()


def test_the_officer_fills_in_scans_and_hands_over_and_every_step_is_on_behalf(desk):
    client, officer = desk
    response = _start(client)
    application = Application.objects.get()
    assert response["Location"] == f"/applications/{application.pk}/step/passport/"
    owner = application.owner
    assert owner.email == WALK_IN["email"] and not owner.has_usable_password()
    assert application.assisted_by == officer and application.assist_consent_at is not None

    # The applicant's own pages, filled in by the officer at the desk.
    answer = client.post(
        f"/applications/{application.pk}/step/passport/",
        {"relationship": "self", "passport_type": "ordinary", "validity_years": "5", "reason": "new", "next": "1"},
    )
    assert answer.status_code == 302
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("ktp.jpg", jpeg_bytes(), content_type="image/jpeg")
    assert client.post(f"/applications/{application.pk}/documents/", {"kind": "ktp", "file": upload}).status_code in (
        200,
        302,
    )
    application.refresh_from_db()
    assert application.passport_type == "ordinary"
    document = application.documents.get()
    assert document.uploaded_on_behalf
    assert {"assisted_started", "document_uploaded_by_staff"} <= set(
        AuditEntry.objects.filter(application_id=application.pk, actor=officer).values_list("action", flat=True)
    )
    # Nothing reached the applicant yet: the steps at the desk are told once, at handover.
    send_notifications()
    assert mail.outbox == []
    page = client.get(f"/applications/{application.pk}/").content.decode()
    assert f"/applications/{application.pk}/handover/" in page

    assert client.post(f"/applications/{application.pk}/handover/").status_code == 302
    application.refresh_from_db()
    assert application.handed_over_at is not None
    assert AuditEntry.objects.filter(
        application_id=application.pk, actor=officer, action="assisted_handed_over"
    ).exists()
    [message] = [m for m in mail.outbox if m.to == [WALK_IN["email"]]]
    # The officer's access ends at handover.
    assert client.get(f"/applications/{application.pk}/step/identity/").status_code == 404

    # The applicant chooses a password from the link and continues on their own phone.
    phone = Client()
    link = re.search(r"https?://\S+(/accounts/reset/\S+/\S+/)", message.body).group(1)
    form_page = phone.get(link, follow=True)
    assert form_page.status_code == 200
    done = phone.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"new_password1": "sawah-hijau-2027", "new_password2": "sawah-hijau-2027"},
    )
    assert done.status_code == 302
    assert phone.login(username=WALK_IN["email"], password="sawah-hijau-2027")
    assert phone.get(f"/applications/{application.pk}/step/identity/").status_code == 200


def test_the_officer_cannot_submit_for_the_applicant(desk):
    client, _officer = desk
    _start(client)
    application = Application.objects.get()
    client.post(f"/applications/{application.pk}/review/")
    application.refresh_from_db()
    assert application.status == "draft"


def test_the_handed_over_application_is_the_applicants_in_the_api(desk):
    from tests.conftest import bearer

    client, _officer = desk
    _start(client)
    application = Application.objects.get()
    client.post(f"/applications/{application.pk}/handover/")
    api = bearer(application.owner)
    [mine] = api.get("/api/v1/applications/").json()
    assert mine["id"] == str(application.pk)
    assert mine["assist_consent_at"] and mine["handed_over_at"]


@pytest.mark.parametrize("email", ["", "not-an-address", "a@", "x\x00@example.id", "a" * 250 + "@example.id"])
def test_a_walk_in_needs_their_own_valid_e_mail_address(desk, email):
    client, _officer = desk
    response = _start(client, email=email)
    assert response.status_code == 400
    assert not Application.objects.exists()
