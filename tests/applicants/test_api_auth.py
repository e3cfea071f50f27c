import re

import pytest
from django.core import mail

from applicants.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register/"
TOKEN = "/api/v1/auth/token/"


def register(anon, **overrides):
    body = {
        "email": "Dewi@Example.ID",
        "password": "paspor-aman-2026",
        "name": "Dewi Lestari",
        "phone": "0812 1111 2222",
    }
    return anon.post(REGISTER, {**body, **overrides}, format="json")


# E-mails leave only after the transaction commits: these tests commit for real.
@pytest.mark.django_db(transaction=True)
def test_registering_creates_an_account_and_emails_a_confirmation_link(anon):
    response = register(anon)
    assert response.status_code == 202
    assert response.json()["email"] == "dewi@example.id"
    account = User.objects.get()
    assert account.phone == "+6281211112222" and not account.email_verified
    assert len(mail.outbox) == 1 and "/accounts/verify/" in mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_the_confirmation_link_verifies_the_address_once(anon):
    register(anon)
    link = re.search(r"http://\S+/accounts/verify/(\S+)/(\S+)/", mail.outbox[0].body)
    uid, token = link.group(1), link.group(2)
    assert anon.post("/api/v1/auth/verify-email/", {"uid": uid, "token": token}, format="json").json()["email_verified"]
    again = anon.post("/api/v1/auth/verify-email/", {"uid": uid, "token": token}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "invalid_link"


@pytest.mark.django_db(transaction=True)
def test_a_known_address_gets_the_same_answer_and_its_owner_an_e_mail(anon):
    first = register(anon)
    again = register(anon, email="DEWI@example.id", password="lain-lagi-2026", name="Orang Lain")
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert User.objects.count() == 1
    account = User.objects.get()
    assert account.full_name == "Dewi Lestari" and account.check_password("paspor-aman-2026")
    assert [m.to for m in mail.outbox] == [["dewi@example.id"], ["dewi@example.id"]]
    notice = mail.outbox[1].body
    assert "/accounts/verify/" not in notice
    assert "/accounts/login/" in notice and "/accounts/password-reset/" in notice
    register(anon, email="dewi@example.id")
    assert len(mail.outbox) == 2  # one notice an hour: repeated attempts do not flood the mailbox


def test_a_weak_password_is_refused_with_reasons_and_no_account(anon):
    response = register(anon, password="12345678")
    assert response.status_code == 400
    assert response.json()["fields"]["password"]
    assert not User.objects.exists()


def test_register_accepts_the_api_md_field_name_and_requires_a_name(anon):
    response = anon.post(REGISTER, {"email": "x@example.id", "password": "paspor-aman-2026"}, format="json")
    assert response.status_code == 400 and "name" in response.json()["fields"]


def test_signing_in_is_case_insensitive_and_returns_access_and_refresh(anon):
    UserFactory(email="budi@example.id")
    response = anon.post(TOKEN, {"email": "BUDI@example.id", "password": "rahasia-sekali-9"}, format="json")
    assert response.status_code == 200
    tokens = response.json()
    me = anon.get("/api/v1/auth/me/", HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert me.json()["email"] == "budi@example.id"
    refreshed = anon.post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json")
    assert refreshed.status_code == 200 and refreshed.json()["access"]


def test_a_wrong_password_is_401_with_the_error_shape(anon):
    UserFactory(email="budi@example.id")
    response = anon.post(TOKEN, {"email": "budi@example.id", "password": "salah"}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials" and response.json()["detail"]


def test_repeated_wrong_passwords_lock_sign_in_even_with_the_right_one(anon, settings):
    settings.LOGIN_MAX_FAILURES = 3
    UserFactory(email="budi@example.id")
    for _ in range(3):
        anon.post(TOKEN, {"email": "budi@example.id", "password": "tebakan"}, format="json")
    response = anon.post(TOKEN, {"email": "budi@example.id", "password": "rahasia-sekali-9"}, format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_attempts"
    assert int(response["Retry-After"]) > 0


def test_a_lockout_for_one_address_does_not_lock_the_account_elsewhere(anon, settings):
    settings.LOGIN_MAX_FAILURES = 2
    UserFactory(email="budi@example.id")
    for _ in range(2):
        anon.post(TOKEN, {"email": "budi@example.id", "password": "tebakan"}, format="json", REMOTE_ADDR="10.0.0.66")
    ok = anon.post(
        TOKEN, {"email": "budi@example.id", "password": "rahasia-sekali-9"}, format="json", REMOTE_ADDR="10.0.0.7"
    )
    assert ok.status_code == 200


def test_an_expired_or_forged_token_is_401(anon):
    response = anon.get("/api/v1/applications/", HTTP_AUTHORIZATION="Bearer not.a.token")
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"
    assert anon.get("/api/v1/applications/").status_code == 401


def test_password_reset_by_api_sends_a_link_that_sets_a_new_password(anon):
    UserFactory(email="budi@example.id")
    assert anon.post("/api/v1/auth/password-reset/", {"email": "Budi@example.id"}, format="json").status_code == 202
    body = mail.outbox[0].body
    uid = re.search(r"uid: (\S+)", body).group(1)
    token = re.search(r"token: (\S+)", body).group(1)
    done = anon.post(
        "/api/v1/auth/password-reset/confirm/",
        {"uid": uid, "token": token, "new_password": "paspor-baru-2026"},
        format="json",
    )
    assert done.status_code == 200
    assert (
        anon.post(TOKEN, {"email": "budi@example.id", "password": "paspor-baru-2026"}, format="json").status_code == 200
    )


def test_password_reset_for_an_unknown_address_answers_the_same_and_sends_nothing(anon):
    response = anon.post("/api/v1/auth/password-reset/", {"email": "nobody@example.id"}, format="json")
    assert response.status_code == 202 and mail.outbox == []


def test_registration_from_one_address_is_rate_limited(anon, settings):
    settings.RATE_LIMITS = "register_address=2/hour"
    assert register(anon, email="a@example.id").status_code == 202
    assert register(anon, email="b@example.id").status_code == 202
    response = register(anon, email="c@example.id")
    assert response.status_code == 429 and response.json()["code"] == "rate_limited"
    assert response["Retry-After"]
    assert User.objects.count() == 2
