"""The applicant's journey through the web pages, with Django's test client."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applicants.models import Application, Document, User
from tests.factories import create_draft, jpeg_bytes, make_nik
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_registering_in_the_browser_asks_to_open_the_e_mail_whose_link_signs_in(client):
    import re

    from django.core import mail

    response = client.post(
        "/accounts/register/",
        {
            "full_name": "Dewi Lestari",
            "email": "Dewi@Example.id",
            "phone": "0812-1111-2222",
            "password1": "paspor-aman-2026",
            "password2": "paspor-aman-2026",
        },
    )
    assert response.status_code == 200 and b"dewi@example.id" in response.content
    assert User.objects.get().email == "dewi@example.id"
    assert not response.wsgi_request.user.is_authenticated  # the same page for a known address
    link = re.search(r"http://\S+(/accounts/verify/\S+/\S+/)", mail.outbox[0].body).group(1)
    landed = client.get(link, follow=True)
    assert landed.redirect_chain[-1][0] == "/dashboard/"
    assert landed.context["user"].is_authenticated and User.objects.get().email_verified


def test_registration_errors_are_shown_on_the_form_and_create_nothing(client):
    response = client.post(
        "/accounts/register/",
        {
            "full_name": "Dewi",
            "email": "dewi@example.id",
            "password1": "paspor-aman-2026",
            "password2": "lain-sekali-2026",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password2"]
    assert not User.objects.exists()


def test_signing_in_with_capitals_in_the_email_works(client, user):
    response = client.post("/accounts/login/", {"username": user.email.upper(), "password": "rahasia-sekali-9"})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"


def test_too_many_wrong_passwords_in_the_browser_stop_further_tries(client, user, settings):
    settings.LOGIN_MAX_FAILURES = 2
    for _ in range(2):
        client.post("/accounts/login/", {"username": user.email, "password": "salah"})
    response = client.post("/accounts/login/", {"username": user.email, "password": "rahasia-sekali-9"})
    assert response.status_code == 200 and not response.context["user"].is_authenticated


def test_starting_an_application_for_myself_prefills_my_name(client, user):
    sign_in(client, user)
    response = client.post("/applications/new/", {"relationship": "self"})
    application = Application.objects.get(owner=user)
    assert response["Location"] == f"/applications/{application.pk}/step/passport/"
    assert application.full_name == user.full_name


def test_each_wizard_step_saves_the_draft(client, user):
    sign_in(client, user)
    client.post("/applications/new/", {"relationship": "self"})
    application = Application.objects.get(owner=user)
    nik = make_nik(date(1990, 8, 17))
    response = client.post(
        f"/applications/{application.pk}/step/identity/",
        {
            "nik": nik,
            "full_name": "Budi",
            "sex": "male",
            "place_of_birth": "Jakarta",
            "date_of_birth": "1990-08-17",
            "marital_status": "single",
            "occupation": "Guru",
            "kk_number": "3171010101090001",
            "phone": "081234567890",
        },
    )
    assert response["Location"] == f"/applications/{application.pk}/step/family/"
    application.refresh_from_db()
    assert (application.nik, application.full_name, application.phone) == (nik, "Budi", "+6281234567890")


def test_a_bad_nik_in_the_wizard_is_explained_and_nothing_is_saved(client, user):
    sign_in(client, user)
    application = create_draft(owner=user)
    response = client.post(
        f"/applications/{application.pk}/step/identity/",
        {
            "nik": "3171011708900001",
            "full_name": "Budi",
            "sex": "female",
            "date_of_birth": "1990-08-17",
            "occupation": "Pilot",
        },
    )
    assert response.status_code == 400  # the form again, with the same status the API answers
    assert response.context["form"].errors["sex"]
    application.refresh_from_db()
    assert application.occupation == "Karyawan swasta"


def test_uploading_a_document_in_the_browser_shows_it_on_the_checklist(client, user):
    sign_in(client, user)
    application = create_draft(owner=user)
    response = client.post(
        f"/applications/{application.pk}/documents/",
        {
            "kind": "ktp",
            "file": SimpleUploadedFile("ktp.jpg", jpeg_bytes(), "image/jpeg"),
        },
        follow=True,
    )
    assert response.status_code == 200
    ktp = next(item for item in response.context["checklist"] if item["requirement"].key == "ktp")
    assert ktp["done"]


def test_a_fake_image_in_the_browser_gets_a_clear_message(client, user):
    sign_in(client, user)
    application = create_draft(owner=user)
    response = client.post(
        f"/applications/{application.pk}/documents/",
        {
            "kind": "ktp",
            "file": SimpleUploadedFile("ktp.jpg", b"<html>not a photo</html>", "image/jpeg"),
        },
    )
    assert response.status_code == 400  # the form again, with the same status the API answers
    assert response.context["form"].errors["file"]
    assert not Document.objects.exists()


def test_the_review_page_lists_what_is_missing_and_refuses_to_submit(client, user):
    sign_in(client, user)
    application = create_draft(owner=user)
    response = client.post(f"/applications/{application.pk}/review/", follow=True)
    assert set(response.context["problems"]) == {"documents.ktp", "documents.kk", "documents.civil_document"}
    application.refresh_from_db()
    assert application.status == "draft"


def test_a_complete_application_is_submitted_from_the_review_page(client, complete_draft):
    sign_in(client, complete_draft.owner)
    response = client.post(f"/applications/{complete_draft.pk}/review/")
    assert response["Location"] == f"/applications/{complete_draft.pk}/booking/"  # the next step
    complete_draft.refresh_from_db()
    assert complete_draft.status == "submitted"


@pytest.mark.parametrize("suffix", ["", "step/passport/", "documents/", "review/", "timeline/"])
def test_another_persons_application_is_404_in_the_browser(client, user, suffix):
    theirs = create_draft()
    sign_in(client, user)
    assert client.get(f"/applications/{theirs.pk}/{suffix}").status_code == 404
    assert client.post(f"/applications/{theirs.pk}/review/").status_code == 404


def test_pages_need_a_signed_in_person(client, draft):
    response = client.get(f"/applications/{draft.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_home_page_shows_the_fees_in_rupiah(client):
    assert "Rp350.000" in client.get("/").content.decode()


def test_an_unknown_page_is_a_friendly_404_and_an_unknown_api_path_is_json(client):
    assert client.get("/no-such-page/").status_code == 404
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_the_confirmation_link_in_the_browser_verifies_the_address(client, user):
    from applicants.notifications import verification_link

    path = verification_link(user).split("127.0.0.1:8000", 1)[1]
    response = client.get(path, follow=True)
    user.refresh_from_db()
    assert user.email_verified and response.status_code == 200
    assert client.get(path, follow=True).context["messages"]  # used again: told it is no longer valid


def test_a_password_reset_in_the_browser_sends_a_link_that_works(client, user, django_capture_on_commit_callbacks):
    import re

    from django.core import mail

    client.post("/accounts/password-reset/", {"email": user.email.upper()})
    link = re.search(r"/accounts/reset/\S+/\S+/", mail.outbox[0].body).group(0)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "paspor-baru-2026", "new_password2": "paspor-baru-2026"})
    assert client.login(username=user.email, password="paspor-baru-2026")


def test_a_password_reset_link_is_built_from_site_url_not_the_host_header(client, user, settings):
    import re

    from django.core import mail

    settings.SITE_URL = "https://mpaspor.example.go.id"
    settings.ALLOWED_HOSTS = ["*"]
    client.post("/accounts/password-reset/", {"email": user.email}, HTTP_HOST="attacker.example")
    answer = client.post(
        "/api/v1/auth/password-reset/",
        {"email": user.email},
        content_type="application/json",
        HTTP_HOST="attacker.example",
    )
    assert answer.status_code == 202, answer.content
    links = [re.search(r"\S+/accounts/reset/\S+/", m.body).group(0) for m in mail.outbox]
    assert len(links) == 2 and all(link.startswith("https://mpaspor.example.go.id/accounts/reset/") for link in links)
