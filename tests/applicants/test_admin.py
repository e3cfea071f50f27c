"""Customer-service work in the admin."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from applicants import rules
from applicants.models import Document
from core.models import AuditEntry
from tests.conftest import attach
from tests.factories import StaffFactory, create_draft, jpeg_bytes
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, cs_officer):
    sign_in(client, cs_officer)
    return client


def change_url(application):
    return f"/admin/applicants/application/{application.pk}/change/"


@pytest.mark.parametrize("term", ["number", "name"])
def test_staff_find_an_application_by_number_or_name(officer_client, term):
    wanted = create_draft(full_name="Ni Luh Putu Ayu")
    create_draft(full_name="Joko Widodo")
    query = {"number": wanted.number.lower(), "name": "Putu"}[term]
    response = officer_client.get("/admin/applicants/application/", {"q": query})
    assert list(response.context["cl"].result_list) == [wanted]


def test_staff_find_an_application_by_nik_typed_with_spaces_in_the_posted_form(officer_client):
    wanted = create_draft(full_name="Ni Luh Putu Ayu")
    create_draft(full_name="Joko Widodo")
    nik = wanted.nik[:4] + " " + wanted.nik[4:]
    response = officer_client.post("/admin/applicants/application/find-by-nik/", {"nik": nik})
    assert response.status_code == 302 and response["Location"] == change_url(wanted)


def test_the_change_page_shows_biodata_beside_the_documents(officer_client, draft):
    attach(draft, "ktp")
    page = officer_client.get(change_url(draft)).content.decode()
    assert 'class="mp-split"' in page and 'data-document="ktp"' in page
    assert draft.nik in page


def test_rejecting_a_document_needs_a_reason_which_the_applicant_sees(
    officer_client, submitted, django_capture_on_commit_callbacks
):
    document = submitted.documents.get(kind="ktp")
    url = f"/admin/applicants/application/{submitted.pk}/documents/{document.pk}/review/"
    officer_client.post(url, {"accepted": "0", "reason": ""})
    document.refresh_from_db()
    assert document.status == "pending"
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(url, {"accepted": "0", "reason": "Foto KTP buram, tulisan tidak terbaca"})
    document.refresh_from_db()
    assert document.status == "rejected" and document.rejection_reason == "Foto KTP buram, tulisan tidak terbaca"
    assert "Foto KTP buram" in mail.outbox[0].body
    entry = AuditEntry.objects.get(application_id=submitted.pk, action="document_rejected")
    assert entry.reason == "Foto KTP buram, tulisan tidak terbaca" and entry.public


def test_after_a_rejection_the_applicant_may_upload_that_document_again(officer_client, submitted, cs_officer):
    from applicants import services

    services.document_review(
        document=submitted.documents.get(kind="kk"), actor=cs_officer, accepted=False, reason="Terpotong"
    )
    submitted.status = "paid"
    submitted.save()
    document = attach(submitted, "kk")  # the owner replaces the rejected one
    assert document.status == "pending"


def test_staff_upload_a_replacement_on_the_applicants_behalf(officer_client, draft, cs_officer):
    response = officer_client.post(
        f"/admin/applicants/application/{draft.pk}/documents/upload/",
        {
            "kind": "kk",
            "file": SimpleUploadedFile("kk.jpg", jpeg_bytes(), "image/jpeg"),
        },
    )
    assert response.status_code == 302
    document = Document.objects.get(application=draft, kind="kk")
    assert document.uploaded_on_behalf and document.uploaded_by == cs_officer
    assert AuditEntry.objects.filter(
        application_id=draft.pk, action="document_uploaded_by_staff", actor=cs_officer
    ).exists()


def test_a_staff_correction_needs_a_reason_and_is_audited(officer_client, submitted):
    data = {field: getattr(submitted, field) or "" for field in rules.EDITABLE_FIELDS}
    data.update(
        {"date_of_birth": "1990-08-17", "mother_name": "Siti Aminah Binti Umar", "naturalised": "", "name_changed": ""}
    )
    data = {k: v for k, v in data.items() if v is not False}
    data.update({"audit_entries-TOTAL_FORMS": "0", "audit_entries-INITIAL_FORMS": "0"})
    officer_client.post(change_url(submitted), data)
    submitted.refresh_from_db()
    assert submitted.mother_name == "Siti Aminah"  # refused without a reason
    officer_client.post(change_url(submitted), {**data, "correction_reason": "Sesuai KK asli"})
    submitted.refresh_from_db()
    assert submitted.mother_name == "Siti Aminah Binti Umar"
    entry = AuditEntry.objects.get(application_id=submitted.pk, action="application_corrected_by_staff")
    assert entry.reason == "Sesuai KK asli" and entry.data["changed"]["mother_name"][1] == "Siti Aminah Binti Umar"


def test_a_staff_correction_that_breaks_a_rule_is_refused_on_the_form(officer_client, submitted):
    data = {field: getattr(submitted, field) or "" for field in rules.EDITABLE_FIELDS}
    data.update({"date_of_birth": "1991-08-17", "correction_reason": "typo", "naturalised": "", "name_changed": ""})
    data = {k: v for k, v in data.items() if v is not False}
    data.update({"audit_entries-TOTAL_FORMS": "0", "audit_entries-INITIAL_FORMS": "0"})
    response = officer_client.post(change_url(submitted), data)
    assert response.status_code == 200 and response.context["adminform"].form.errors["date_of_birth"]
    submitted.refresh_from_db()
    assert str(submitted.date_of_birth) == "1990-08-17"


def test_the_audit_log_cannot_be_edited_or_deleted_in_the_admin(officer_client, draft):
    entry = AuditEntry.objects.filter(application_id=draft.pk).first()
    superuser = StaffFactory(is_superuser=True)
    sign_in(officer_client, superuser)
    assert officer_client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_an_applicant_cannot_open_the_admin(client, user):
    sign_in(client, user)
    assert client.get("/admin/applicants/application/").status_code == 302
