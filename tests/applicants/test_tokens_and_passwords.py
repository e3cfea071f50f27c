"""API tokens are single-use to renew, end on sign-out and with the password; changing a password
needs the current one (web and API)."""

import re
import threading

import jwt
import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/token/refresh/"
ME = "/api/v1/auth/me/"
PASSWORD = "rahasia-sekali-9"  # the factory's


def sign_in(anon, email="budi@example.id", password=PASSWORD):
    response = anon.post(TOKEN, {"email": email, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def me(anon, access):
    return anon.get(ME, HTTP_AUTHORIZATION=f"Bearer {access}")


def refresh(anon, token):
    return anon.post(REFRESH, {"refresh": token}, format="json")


def test_a_refresh_token_renews_once_and_the_new_one_carries_on(anon):
    UserFactory(email="budi@example.id")
    first = sign_in(anon)
    renewed = refresh(anon, first["refresh"])
    assert renewed.status_code == 200
    assert set(renewed.json()) == {"access", "refresh"} and renewed.json()["refresh"] != first["refresh"]
    replayed = refresh(anon, first["refresh"])
    assert replayed.status_code == 401 and replayed.json()["code"] == "token_not_valid"
    assert refresh(anon, renewed.json()["refresh"]).status_code == 200
    assert me(anon, renewed.json()["access"]).status_code == 200


def test_signing_out_ends_the_refresh_token(anon):
    UserFactory(email="budi@example.id")
    tokens = sign_in(anon)
    assert anon.post("/api/v1/auth/sign-out/", {"refresh": tokens["refresh"]}, format="json").status_code == 204
    assert refresh(anon, tokens["refresh"]).status_code == 401
    again = anon.post("/api/v1/auth/sign-out/", {"refresh": tokens["refresh"]}, format="json")
    assert again.status_code == 401 and again.json()["code"] == "token_not_valid"


def test_a_password_reset_ends_every_token_issued_before_it(anon):
    UserFactory(email="budi@example.id")
    phone, laptop = sign_in(anon), sign_in(anon)
    anon.post("/api/v1/auth/password-reset/", {"email": "budi@example.id"}, format="json")
    body = mail.outbox[0].body
    uid, token = re.search(r"uid: (\S+)", body).group(1), re.search(r"token: (\S+)", body).group(1)
    done = anon.post(
        "/api/v1/auth/password-reset/confirm/",
        {"uid": uid, "token": token, "new_password": "paspor-baru-2026"},
        format="json",
    )
    assert done.status_code == 200
    for device in (phone, laptop):
        assert refresh(anon, device["refresh"]).status_code == 401
        assert me(anon, device["access"]).status_code == 401
    # Told in the portal's language why, not in the token library's English.
    assert "kata sandi" in me(anon, phone["access"]).json()["detail"].lower()
    assert me(anon, sign_in(anon, password="paspor-baru-2026")["access"]).status_code == 200


def test_a_password_reset_in_the_browser_ends_api_tokens_too(client, anon):
    UserFactory(email="budi@example.id")
    tokens = sign_in(anon)
    client.post("/accounts/password-reset/", {"email": "budi@example.id"})
    link = re.search(r"/accounts/reset/\S+/\S+/", mail.outbox[0].body).group(0)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "paspor-baru-2026", "new_password2": "paspor-baru-2026"})
    assert refresh(anon, tokens["refresh"]).status_code == 401
    assert me(anon, tokens["access"]).status_code == 401


def test_changing_the_password_by_api_needs_the_current_one(anon):
    user = UserFactory(email="budi@example.id")
    tokens = sign_in(anon)
    signed_in = APIClient()
    signed_in.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    wrong = signed_in.post(
        "/api/v1/auth/password/", {"current_password": "tebakan", "new_password": "paspor-baru-2026"}, format="json"
    )
    assert wrong.status_code == 400 and "current_password" in wrong.json()["fields"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)

    weak = signed_in.post(
        "/api/v1/auth/password/", {"current_password": PASSWORD, "new_password": "12345678"}, format="json"
    )
    assert weak.status_code == 400 and weak.json()["fields"]["new_password"]

    done = signed_in.post(
        "/api/v1/auth/password/", {"current_password": PASSWORD, "new_password": "paspor-baru-2026"}, format="json"
    )
    assert done.status_code == 200
    assert refresh(anon, tokens["refresh"]).status_code == 401
    assert me(anon, tokens["access"]).status_code == 401
    sign_in(anon, password="paspor-baru-2026")


def test_changing_the_password_in_the_browser_needs_the_current_one_and_keeps_this_session(client, anon):
    user = UserFactory(email="budi@example.id")
    tokens = sign_in(anon)
    client.force_login(user)
    page = client.get("/accounts/password/")
    assert page.status_code == 200 and b'name="old_password"' in page.content
    wrong = client.post(
        "/accounts/password/",
        {"old_password": "tebakan", "new_password1": "paspor-baru-2026", "new_password2": "paspor-baru-2026"},
    )
    assert wrong.status_code == 200 and wrong.context["form"].errors["old_password"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)

    done = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "paspor-baru-2026", "new_password2": "paspor-baru-2026"},
    )
    assert done.status_code == 302
    assert client.get("/dashboard/").status_code == 200  # this browser stays signed in
    assert refresh(anon, tokens["refresh"]).status_code == 401


def test_tokens_are_signed_with_their_own_key_not_the_secret_key(anon):
    UserFactory(email="budi@example.id")
    access = sign_in(anon)["access"]
    assert settings.SIMPLE_JWT["SIGNING_KEY"] != settings.SECRET_KEY
    jwt.decode(access, settings.SIMPLE_JWT["SIGNING_KEY"], algorithms=["HS256"])
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(access, settings.SECRET_KEY, algorithms=["HS256"])


@pytest.mark.django_db(transaction=True)
def test_two_parallel_renewals_of_one_refresh_token_give_one_new_pair():
    assert connection.vendor == "postgresql"
    UserFactory(email="budi@example.id")
    token = sign_in(APIClient())["refresh"]
    barrier, answers = threading.Barrier(4), []

    def renew():
        client = APIClient()
        barrier.wait()
        answers.append(refresh(client, token).status_code)
        connection.close()

    threads = [threading.Thread(target=renew) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200, 401, 401, 401]


def test_the_daily_tidy_forgets_expired_tokens_only(anon):
    from datetime import timedelta

    from django.utils import timezone
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    from applicants.tasks import flush_expired_tokens

    UserFactory(email="budi@example.id")
    live = sign_in(anon)
    old = sign_in(anon)
    OutstandingToken.objects.filter(token=old["refresh"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert flush_expired_tokens() == 1
    assert refresh(anon, live["refresh"]).status_code == 200
    assert refresh(anon, old["refresh"]).status_code == 401
