"""Staff sign in with a password and a second factor; every sign-in is behind one guessing guard."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "rahasia-sekali-9"
TOKEN = "/api/v1/auth/token/"


def code_of(device) -> str:
    device.refresh_from_db()
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


def password_sign_in(client, email, password=PASSWORD, **extra):
    return client.post("/admin/login/?next=/admin/", {"username": email, "password": password}, **extra)


@pytest.fixture
def officer(db):
    return StaffFactory(email="petugas@imigrasi.go.id", role="customer_service")


def test_a_password_alone_opens_no_staff_page(client, officer):
    response = password_sign_in(client, officer.email)
    assert response.status_code == 302
    for page in ["/admin/", "/admin/applicants/application/", "/office/queue/"]:
        answer = client.get(page)
        assert answer.status_code == 302 and "/office/second-factor/enrol/" in answer["Location"], page
    api = client.get("/api/v1/reports/operations/")
    assert api.status_code == 403 and api.json()["code"] == "second_factor_required"


def test_first_sign_in_enrols_an_authenticator_and_gives_ten_single_use_recovery_codes(client, officer):
    password_sign_in(client, officer.email)
    enrol = client.get("/office/second-factor/enrol/?next=/admin/")
    assert enrol.status_code == 200 and b"<svg" in enrol.content
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    assert client.post("/office/second-factor/enrol/", {"code": "000000"}).status_code == 400
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code makes the next one wait a second: not this test's subject
    done = client.post("/office/second-factor/enrol/", {"code": code_of(device), "next": "/admin/"})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/admin/").status_code == 200

    # Next day, without the phone: a recovery code works once.
    fresh = Client()
    password_sign_in(fresh, officer.email)
    assert fresh.get("/admin/")["Location"].startswith("/office/second-factor/?next=")
    assert fresh.post("/office/second-factor/", {"code": codes[0], "next": "/admin/"}).status_code == 302
    assert fresh.get("/admin/").status_code == 200
    again = Client()
    password_sign_in(again, officer.email)
    assert again.post("/office/second-factor/", {"code": codes[0]}).status_code == 400
    assert again.get("/admin/").status_code == 302


def test_the_authenticators_code_verifies_and_a_wrong_one_does_not(client, officer):
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    password_sign_in(client, officer.email)
    assert client.get("/office/second-factor/enrol/").status_code == 302  # enrolled already: no second device
    wrong = client.post("/office/second-factor/", {"code": "123456" if code_of(device) != "123456" else "654321"})
    assert wrong.status_code == 400 and client.get("/admin/").status_code == 302
    device.refresh_from_db()
    device.throttle_reset()
    assert client.post("/office/second-factor/", {"code": code_of(device)}).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_reset_second_factor_is_enrolled_again_at_the_next_sign_in(client, officer):
    from applicants import staff_sign_in

    TOTPDevice.objects.create(user=officer, name="lost phone", confirmed=True)
    staff_sign_in.second_factor_reset(StaffFactory(is_superuser=True), [officer])
    password_sign_in(client, officer.email)
    assert "/office/second-factor/enrol/" in client.get("/admin/")["Location"]


def test_a_staff_password_alone_gets_no_api_token(officer):
    response = APIClient().post(TOKEN, {"email": officer.email, "password": PASSWORD}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "second_factor_required"
    assert "access" not in response.json()


def test_the_admin_sign_in_is_locked_by_failures_on_the_applicants_sign_in(officer, settings):
    settings.LOGIN_MAX_FAILURES = 3
    api = APIClient()
    for _ in range(3):
        api.post(TOKEN, {"email": officer.email, "password": "tebakan"}, format="json")
    response = password_sign_in(Client(), officer.email)
    assert response.status_code == 200  # the form again, with the reason
    assert "too_many_attempts" in [e.code for e in response.context["form"].non_field_errors().as_data()]


@pytest.mark.parametrize("written", ["  budi@example.id", "budi@example.id\t", "BUDI@Example.ID", " Budi@example.id "])
def test_a_padded_or_capitalised_address_is_the_same_account_to_the_guard(written, settings):
    settings.LOGIN_MAX_FAILURES = 3
    UserFactory(email="budi@example.id")
    api = APIClient()
    for _ in range(3):
        api.post(TOKEN, {"email": "budi@example.id", "password": "tebakan"}, format="json")
    variant = api.post(TOKEN, {"email": written, "password": PASSWORD}, format="json")
    assert variant.status_code == 429 and variant.json()["code"] == "too_many_attempts"
    web = Client().post("/accounts/login/", {"username": written, "password": PASSWORD})
    assert web.status_code == 200 and "_auth_user_id" not in web.wsgi_request.session


def test_an_address_longer_than_an_email_can_be_is_refused_clearly(db):
    response = APIClient().post(TOKEN, {"email": "a" * 2_000_000 + "@example.id", "password": "x"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "email_too_long"


@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_get_no_more_password_checks_than_the_limit(settings):
    settings.LOGIN_MAX_FAILURES = 3
    UserFactory(email="budi@example.id")
    answers, start = [], threading.Barrier(12)

    def guess():
        client = APIClient()
        start.wait()
        answers.append(client.post(TOKEN, {"email": "budi@example.id", "password": "tebakan"}, format="json"))

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(answer.json()["code"] for answer in answers)
    assert codes.count("invalid_credentials") == 3 and codes.count("too_many_attempts") == 9


def test_many_addresses_guessing_one_account_are_slowed_but_its_owner_is_not(settings):
    settings.LOGIN_ACCOUNT_SLOWDOWN_AFTER = 5
    UserFactory(email="budi@example.id")
    api = APIClient()
    assert api.post(TOKEN, {"email": "budi@example.id", "password": PASSWORD}, format="json", REMOTE_ADDR="10.1.1.1")
    answers = [
        api.post(TOKEN, {"email": "budi@example.id", "password": "tebakan"}, format="json", REMOTE_ADDR=f"10.9.0.{n}")
        for n in range(12)
    ]
    codes = [answer.json()["code"] for answer in answers]
    assert codes[:5] == ["invalid_credentials"] * 5
    assert codes.count("sign_in_slowed") >= 6  # one guess per pause, however many addresses
    owner = api.post(TOKEN, {"email": "budi@example.id", "password": PASSWORD}, format="json", REMOTE_ADDR="10.1.1.1")
    assert owner.status_code == 200


def test_successful_sign_ins_behind_one_address_do_not_lock_that_address(settings):
    settings.LOGIN_MAX_FAILURES = 2  # the address allows 20 attempts
    api = APIClient()
    for n in range(30):
        user = UserFactory(email=f"warga{n}@example.id")
        answer = api.post(TOKEN, {"email": user.email, "password": PASSWORD}, format="json", REMOTE_ADDR="10.5.5.5")
        assert answer.status_code == 200, n


def test_behind_a_proxy_the_client_address_comes_from_the_environment():
    """NUM_PROXIES is read from the environment by the settings (not set by a test)."""
    script = (
        "import django; django.setup();"
        "from django.test import RequestFactory; from core.throttling import client_address;"
        "r = RequestFactory().get('/', REMOTE_ADDR='10.0.0.1', HTTP_X_FORWARDED_FOR='6.6.6.6, 203.0.113.9');"
        "print(client_address(r))"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mpaspor.settings.base"}
    env.pop("NUM_PROXIES", None)
    direct = subprocess.run([sys.executable, "-c", script], env=env, cwd=root, capture_output=True, text=True)
    proxied = subprocess.run(
        [sys.executable, "-c", script], env={**env, "NUM_PROXIES": "1"}, cwd=root, capture_output=True, text=True
    )
    assert direct.stdout.strip() == "10.0.0.1", direct.stderr
    assert proxied.stdout.strip() == "203.0.113.9", proxied.stderr
