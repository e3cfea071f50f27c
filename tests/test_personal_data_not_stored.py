"""Answers that can carry personal data are never stored by a browser or a shared cache."""

import pytest

from tests.conftest import bearer
from tests.factories import UserFactory, make_office, make_slot
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


def test_pages_for_someone_signed_in_are_not_stored(client):
    user = UserFactory()
    sign_in(client, user)
    assert client.get("/dashboard/")["Cache-Control"] == "private, no-store"


def test_api_answers_are_not_stored_whoever_asks(client):
    assert bearer(UserFactory()).get("/api/v1/auth/me/")["Cache-Control"] == "private, no-store"
    assert client.get("/api/v1/auth/me/")["Cache-Control"] == "private, no-store"  # a 401 too


def test_public_pages_and_the_public_availability_keep_their_own_policy(client):
    assert "no-store" not in client.get("/").get("Cache-Control", "")
    office = make_office()
    make_slot(office)
    answer = client.get(f"/api/v1/offices/{office.code}/availability/")
    assert answer.status_code == 200 and answer["Cache-Control"] == "public, max-age=2"
