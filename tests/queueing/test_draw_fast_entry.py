"""The opening minute's cheap entry (appointments/entry_fast.py): one query for the plain case,
the same answer and rows as the full path, and every other case left to the full path."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import time, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken

from appointments import draws, services
from core.models import AuditEntry
from queueing import releases
from queueing.models import Booking, DrawEntry, EntryStatus
from tests.factories import make_office, make_slot, ready_application
from tests.helpers import committed
from tests.queueing import arrangements as people

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sessions():
    office = make_office(code="draw-fast", issues_electronic=False)
    return [make_slot(office, days_ahead=3, capacity=2, start=time(8 + 2 * i), end=time(10 + 2 * i)) for i in range(3)]


@pytest.fixture
def release(sessions):
    office = sessions[0].office
    return releases.release_open(office=office, day=sessions[0].date, opens_at=timezone.now() - timedelta(minutes=1))


def put(application, sessions, token=None, **extra):
    token = token or AccessToken.for_user(application.owner)
    first = sessions[0]
    body = {"office": first.office.code, "date": first.date.isoformat(), "sessions": [s.pk for s in sessions]}
    return Client().put(
        f"/api/v1/applications/{application.pk}/draw-entry/",
        data={**body, **extra},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_a_plain_entry_is_one_query_and_the_same_answer_and_rows_as_the_full_path(release, sessions):
    put(ready_application(), sessions)  # the first entry reads the day's terms and prepares the statement
    application = ready_application()
    with CaptureQueriesContext(connection) as queries:
        answer = put(application, sessions)
    assert answer.status_code == 201, answer.content
    assert len(queries) == 1, [q["sql"][:80] for q in queries]
    entry = DrawEntry.objects.get(application=application)
    assert entry.status == EntryStatus.ENTERED and entry.release == release and entry.nik == application.nik
    assert entry.choices == [s.pk for s in sessions] and entry.priority is False
    # What the full path's serializer shows for the same entry, field for field.
    client = Client(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(application.owner)}")
    assert answer.json() == client.get(f"/api/v1/applications/{application.pk}/draw-entry/").json()
    audit = AuditEntry.objects.get(application_id=application.pk)
    assert (audit.action, audit.actor_id) == ("draw_entered", application.owner_id)
    assert audit.data == {
        "entry": entry.code,
        "office": "draw-fast",
        "date": sessions[0].date.isoformat(),
        "sessions": entry.choices,
    }


def test_entering_again_changes_the_entry_and_says_so(release, sessions):
    application = ready_application()
    first = put(application, sessions)
    again = put(application, sessions[2:] + sessions[:1])
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["code"] == first.json()["code"] and again.json()["sessions"] == [sessions[2].pk, sessions[0].pk]
    assert DrawEntry.objects.get(application=application).choices == [sessions[2].pk, sessions[0].pk]
    assert list(AuditEntry.objects.filter(application_id=application.pk).values_list("action", flat=True)) == [
        "draw_entered",
        "draw_changed",
    ]


def _booked_elsewhere(application, sessions):
    other = make_slot(make_office(code="race-office", opening_mode="race"), days_ahead=2)
    twin = ready_application(nik=application.nik)  # another account with this NIK holds a booking
    committed(services.booking_create, application=twin, slot=other, actor=twin.owner)
    return {}


def _release_closed(application, sessions):
    put(ready_application(), sessions)  # the day's terms are now remembered by this process
    releases.QuotaRelease.objects.update(closes_at=timezone.now() - timedelta(seconds=1))
    return {}


def _office_shut(application, sessions):
    put(ready_application(), sessions)
    sessions[0].office.__class__.objects.filter(pk=sessions[0].office_id).update(is_active=False)
    return {}


def _drawn(application, sessions):
    put(ready_application(), sessions)
    draws.release_allocate(release=releases.QuotaRelease.objects.get(), close_now=True)
    return {}


def _nik_entered_by_another_account(application, sessions):
    put(ready_application(nik=application.nik), sessions)
    return {}


def _session_closed(application, sessions):
    sessions[1].is_open = False
    sessions[1].save()
    return {}


@pytest.mark.parametrize(
    "arrange, status, code",
    [
        *people.REFUSALS,
        (_booked_elsewhere, 409, "nik_already_booked"),
        (_nik_entered_by_another_account, 409, "draw_entry_exists"),
        (_session_closed, 409, "slot_not_bookable"),
        (_release_closed, 409, "draw_closed"),
        (_office_shut, 400, "invalid"),
        (_drawn, 409, "draw_closed"),
    ],
)
def test_whatever_the_plain_entry_cannot_take_gets_the_full_paths_refusal(release, sessions, arrange, status, code):
    application = ready_application()
    extra = arrange(application, sessions)
    answer = put(application, sessions, token=extra.get("token"))
    assert answer.status_code == status, answer.content
    if code:
        assert answer.json()["code"] == code
    assert not DrawEntry.objects.filter(application=application).exists()
    assert not AuditEntry.objects.filter(application_id=application.pk, action__startswith="draw_").exists()


def test_an_entry_waiting_in_another_draw_is_replaced_and_priority_goes_the_full_way(release, sessions):
    application = ready_application()
    later = make_slot(sessions[0].office, days_ahead=4, start=time(8), end=time(10))
    releases.release_open(office=later.office, day=later.date, opens_at=timezone.now() - timedelta(minutes=1))
    assert put(application, [later]).status_code == 201
    moved = put(application, sessions)
    assert moved.status_code == 201, moved.content
    assert DrawEntry.objects.get(application=application).release == release
    refused = put(application, sessions, priority=True)
    assert refused.status_code == 403 and refused.json()["code"] == "not_priority_eligible"


def test_rate_limits_count_an_entry_once_whichever_path_answers(release, sessions, settings):
    settings.RATE_LIMITS = "booking_account=3/m"
    application = ready_application()
    stranger = ready_application(nik=application.nik)  # refused by the full path: draw_entry_exists
    assert put(application, sessions).status_code == 201  # 1: the fast path
    answers = [put(stranger, sessions).status_code for _ in range(4)]  # the full path after the fast one
    assert answers == [409, 409, 409, 429]
    assert [put(application, sessions).status_code for _ in range(3)] == [200, 200, 429]


def test_plain_entries_racing_the_close_are_in_the_draw_or_refused(release, sessions):
    applications = [ready_application() for _ in range(12)]
    put(applications[0], sessions)  # warm: the day's terms remembered, as in a rush
    start = threading.Barrier(len(applications))

    def run(call):
        try:
            start.wait()
            return call()
        finally:
            connection.close()

    calls = [lambda a=a: put(a, sessions).status_code for a in applications[1:]]
    calls.append(lambda: draws.release_allocate(release=release, close_now=True) and "drawn")
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        outcomes = Counter(pool.map(run, calls))
    assert set(outcomes) <= {201, 409, "drawn"}, outcomes
    release.refresh_from_db()
    assert not DrawEntry.objects.filter(status=EntryStatus.ENTERED).exists()  # none slipped in after the draw read
    assert release.entries_drawn == outcomes[201] + 1
    assert Booking.objects.filter(slot__in=sessions).count() == min(6, release.entries_drawn)
