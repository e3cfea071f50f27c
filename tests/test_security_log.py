"""Security events reach the `mpaspor.security` log as JSON lines, without NIK or passwords."""

import json
import logging

import pytest
from django.test import Client

from tests.conftest import attach
from tests.factories import ApplicationFactory, UserFactory
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db

SECRET = "rahasia-sekali-9"  # the factory's password


class Events(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())

    def named(self, event):
        return [json.loads(line) for line in self.lines if json.loads(line)["event"] == event]


@pytest.fixture
def events():
    handler, logger = Events(), logging.getLogger("mpaspor.security")
    logger.addHandler(handler)
    old_level, logger.level = logger.level, logging.DEBUG
    yield handler
    logger.removeHandler(handler)
    logger.level = old_level


def test_sign_ins_and_failures_are_logged_on_every_face_without_the_password(events, client, anon):
    UserFactory(email="budi@example.id")
    client.post("/accounts/login/", {"username": "budi@example.id", "password": "salah-sekali"})
    client.post("/accounts/login/", {"username": "budi@example.id", "password": SECRET})
    anon.post("/api/v1/auth/token/", {"email": "budi@example.id", "password": "salah-lagi"}, format="json")
    anon.post("/api/v1/auth/token/", {"email": "budi@example.id", "password": SECRET}, format="json")
    Client().post("/admin/login/", {"username": "budi@example.id", "password": "tebakan-admin"})

    failures = events.named("sign_in_failed")
    assert len(failures) == 3
    assert len({f["account"] for f in failures}) == 1  # one account, one digest, never the address itself
    assert {s["channel"] for s in events.named("sign_in_succeeded")} == {"session", "api"}
    assert all(f["address"] == "127.0.0.1" for f in failures)
    text = "\n".join(events.lines)
    for secret in ("salah-sekali", "salah-lagi", "tebakan-admin", SECRET, "budi@example.id"):
        assert secret not in text


def test_a_lockout_is_logged(events, anon, settings):
    settings.LOGIN_MAX_FAILURES = 2
    UserFactory(email="budi@example.id")
    for _ in range(3):
        anon.post("/api/v1/auth/token/", {"email": "budi@example.id", "password": "salah"}, format="json")
    assert [e["counter"] for e in events.named("sign_in_locked")] == ["account_address"]


def test_a_rate_limit_trip_is_logged_once_per_window(events, anon, settings):
    settings.RATE_LIMITS = "register_address=1/hour"
    for n in range(4):
        anon.post("/api/v1/auth/register/", {"email": f"x{n}@example.id", "password": "x"}, format="json")
    assert [e["scope"] for e in events.named("rate_limited")] == ["register_address"]


def test_a_bad_callback_signature_is_logged(events, anon):
    response = anon.post("/api/v1/payments/notifications/", {"billing_code": "1"}, format="json")
    assert response.status_code == 401
    assert [e["code"] for e in events.named("callback_signature_refused")] == ["signature_missing"]
    response = anon.post(
        "/api/v1/delivery/notifications/", {}, format="json", HTTP_X_TIMESTAMP="1", HTTP_X_SIGNATURE="ab"
    )
    assert response.status_code == 401
    assert len(events.named("callback_signature_refused")) == 2


def test_opening_another_applicants_application_is_logged_but_an_unknown_id_is_not(events, api, user):
    stranger = ApplicationFactory()
    assert api.get(f"/api/v1/applications/{stranger.pk}/").status_code == 404
    refused = events.named("object_access_refused")
    assert [(e["object"], e["object_id"], e["user_id"]) for e in refused] == [
        ("applicants.Application", str(stranger.pk), user.pk)
    ]
    assert api.get("/api/v1/applications/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert len(events.named("object_access_refused")) == 1


def test_every_staff_view_of_an_applicants_document_is_logged_and_the_owners_is_not(events, client, draft):
    from tests.factories import StaffFactory

    document = attach(draft, "ktp")
    sign_in(client, draft.owner)
    assert client.get(f"/documents/{document.pk}/file/").status_code == 200
    assert events.named("staff_viewed_document") == []

    officer = StaffFactory(email="verif@office.go.id", role="verifier")
    staff = Client()
    sign_in(staff, officer)
    assert staff.get(f"/documents/{document.pk}/file/").status_code == 200
    [viewed] = events.named("staff_viewed_document")
    assert viewed["user_id"] == officer.pk and viewed["staff"] is True
    assert viewed["document_id"] == str(document.pk) and viewed["kind"] == "ktp"
    assert draft.nik not in "\n".join(events.lines)


def test_a_refused_staff_action_is_logged(events, api):
    response = api.get("/api/v1/reports/operations/")
    assert response.status_code == 403
    assert events.named("access_refused")[0]["code"] in {"permission_denied", "staff_only"}
