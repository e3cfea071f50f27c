"""The two endpoints that take the rush when quotas open answer without the database."""

import json

import pytest
from rest_framework_simplejwt.tokens import AccessToken

from appointments import services as appointments
from tests.conftest import bearer
from tests.factories import make_office, make_slot, ready_application
from tests.helpers import committed

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_slot():
    slot = make_slot(make_office(code="hot"), capacity=1, priority_capacity=0)
    first = ready_application()
    committed(appointments.booking_create, application=first, slot=slot, actor=first.owner)
    return slot


def attempt(client, application, slot, **headers):
    token = AccessToken.for_user(application.owner)
    return client.post(
        f"/api/v1/applications/{application.pk}/booking/",
        data=json.dumps({"session": slot.pk}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        **headers,
    )


def test_an_attempt_on_a_full_session_is_refused_without_a_query(client, full_slot, django_assert_num_queries):
    late = ready_application()  # before counting: its rows are not part of the request
    with django_assert_num_queries(0):
        response = attempt(client, late, full_slot)
    assert response.status_code == 409 and response.json()["code"] == "slot_full"


def test_the_first_refusal_after_a_hint_lapsed_needs_a_handful_of_queries_and_sets_it_again(
    client, full_slot, django_assert_max_num_queries
):
    from queueing import hints

    hints.clear_full(full_slot.pk)
    first, second = ready_application(), ready_application()
    # once per process: the session and the prepared statement; then the lock, the reads, the hint
    with django_assert_max_num_queries(8) as queries:
        assert attempt(client, first, full_slot).json()["code"] == "slot_full"
    locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert not any("queueing_sessionslot" in sql.split("FOR UPDATE")[0].split(";")[-1] for sql in locks), locks
    with django_assert_max_num_queries(0):
        assert attempt(client, second, full_slot).json()["code"] == "slot_full"


def test_without_a_valid_token_the_full_session_answer_is_still_401(client, full_slot):
    application = ready_application()
    body = json.dumps({"session": full_slot.pk})
    url = f"/api/v1/applications/{application.pk}/booking/"
    assert client.post(url, data=body, content_type="application/json").status_code == 401
    forged = str(AccessToken.for_user(application.owner))[:-2] + "xx"
    response = client.post(url, data=body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {forged}")
    assert response.status_code == 401


def test_an_idempotent_retry_of_a_successful_booking_is_replayed_even_once_the_session_is_full(client):
    slot = make_slot(make_office(code="hot2"), capacity=1, priority_capacity=0)
    application = ready_application()
    first = committed(attempt, client=client, application=application, slot=slot, HTTP_IDEMPOTENCY_KEY="k-9")
    again = attempt(client, application, slot, HTTP_IDEMPOTENCY_KEY="k-9")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()


def test_a_successful_booking_the_full_way_is_a_short_list_of_statements(client, django_assert_max_num_queries):
    # What a booking pays on the full path (the web, a keyed request; the plain API booking
    # has a shorter way, tests/queueing/test_booking_fast.py): the token's account, the application, the session, the
    # count before the lock; then in the transaction the application with its account, their
    # unpaid holds, the documents, the day's release and closures, the fee, lapsed bills, the
    # bill, the booking, the status, the audit row, the session's lock and its count; and the
    # transaction's own three (its start, its lock timeout, its end). It was 23.
    slot = make_slot(make_office(code="hot3"), capacity=2, priority_capacity=0)
    application = ready_application()
    with django_assert_max_num_queries(24):  # with the Idempotency-Key's claim and stored answer
        response = committed(attempt, client=client, application=application, slot=slot, HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 201 and response.json()["actions"] == ["cancel_booking", "pay", "reschedule"]


def test_the_availability_document_is_served_without_a_query(client, full_slot, django_assert_num_queries):
    client.get("/api/v1/offices/hot/availability/")
    with django_assert_num_queries(0):
        response = client.get("/api/v1/offices/hot/availability/")
    day = next(d for d in response.json()["dates"] if d["date"] == full_slot.date.isoformat())
    assert day["sessions"][0]["remaining"] == 0


def test_while_one_process_rebuilds_the_calendar_others_get_the_previous_one(client, full_slot):
    from django.core.cache import cache

    from queueing import hints

    before = client.get("/api/v1/offices/hot/availability/").content
    hints.forget_availability("hot")
    cache.add(hints._rebuild_key("hot"), 1, timeout=2)  # another process is rebuilding
    assert hints.cached_document("hot") == before
    cache.delete(hints._rebuild_key("hot"))
    assert hints.cached_document("hot") is None  # this reader rebuilds


def test_a_token_with_a_strange_header_seen_first_does_not_turn_the_fast_path_off(django_assert_num_queries):
    """The fast path knows our token header as a constant; nothing a client sends changes it."""
    import base64

    from core import fastjwt

    odd = base64.urlsafe_b64encode(json.dumps({"alg": "none"}).encode()).decode().rstrip("=")
    assert fastjwt.access_token_claims(f"{odd}.e30.") is None
    office = make_office()
    slot = make_slot(office, capacity=1, priority_capacity=0)
    first = ready_application()
    committed(appointments.booking_create, application=first, slot=slot, actor=first.owner)
    late = ready_application()
    client = bearer(late.owner)
    client.post(f"/api/v1/applications/{late.pk}/booking/", {"session": slot.pk}, format="json")  # learns "full"
    with django_assert_num_queries(0):
        response = client.post(f"/api/v1/applications/{late.pk}/booking/", {"session": slot.pk}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "slot_full"
