"""The quota draw in the browser: entering, changing and withdrawing, the result, the waitlist,
the booking page's draw days and the public record, with hostile input refused as a page."""

import re
from datetime import time, timedelta

import pytest
from django.utils import timezone

from appointments import draws
from appointments import services as appointments
from queueing import releases
from queueing.models import Booking, DrawEntry, EntryStatus
from tests.factories import make_office, make_slot, ready_application
from tests.helpers import committed

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def office():
    return make_office(code="draw-web")


@pytest.fixture
def sessions(office):
    return [
        make_slot(office, days_ahead=3, capacity=1, priority_capacity=0, start=time(8 + 2 * i), end=time(10 + 2 * i))
        for i in range(3)
    ]


@pytest.fixture
def release(office, sessions):
    return releases.release_open(office=office, day=sessions[0].date, opens_at=timezone.now() - timedelta(minutes=1))


@pytest.fixture
def applicant(client):
    application = ready_application()
    client.force_login(application.owner)
    return application


def page_url(application):
    return f"/applications/{application.pk}/draw/"


def query(sessions):
    return f"?office={sessions[0].office.code}&date={sessions[0].date.isoformat()}"


def entry_form(sessions, *chosen, **extra):
    data = {"office": sessions[0].office.code, "date": sessions[0].date.isoformat()}
    data.update({f"choice{n}": s.pk for n, s in enumerate(chosen, start=1)})
    return {**data, **extra}


def enter_directly(application, sessions):
    entry, _created = draws.draw_enter(
        application=application,
        actor=application.owner,
        office=sessions[0].office,
        day=sessions[0].date,
        session_ids=[s.pk for s in sessions],
    )
    return entry


def test_entering_through_the_form_creates_the_entry_and_the_page_shows_its_code(client, applicant, release, sessions):
    page = client.get(page_url(applicant) + query(sessions))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="draw-form"' in html and release.commitment in html and 'id="draw-seed"' not in html
    response = client.post(page_url(applicant), entry_form(sessions, sessions[1], sessions[0]))
    assert response.status_code == 302 and response["Location"].endswith(query(sessions))
    entry = DrawEntry.objects.get(application=applicant)
    assert entry.choices == [sessions[1].pk, sessions[0].pk]
    html = client.get(response["Location"]).content.decode()
    assert f'id="entry-code">{entry.code}<' in html
    assert re.findall(r'data-choice="(\d+)"', html) == [str(sessions[1].pk), str(sessions[0].pk)]
    assert 'id="draw-withdraw"' in html


def test_the_page_without_a_day_shows_the_applicants_own_entry_or_a_hint(client, applicant, release, sessions):
    assert 'id="draw-none"' in client.get(page_url(applicant)).content.decode()
    entry = enter_directly(applicant, sessions)
    assert entry.code in client.get(page_url(applicant)).content.decode()
    detail = client.get(f"/applications/{applicant.pk}/").content.decode()
    assert f'href="{page_url(applicant)}"' in detail


def test_changing_the_entry_keeps_one_entry_with_the_same_code(client, applicant, release, sessions):
    client.post(page_url(applicant), entry_form(sessions, sessions[0]))
    code = DrawEntry.objects.get(application=applicant).code
    response = client.post(page_url(applicant), entry_form(sessions, sessions[2], sessions[1], sessions[0]))
    assert response.status_code == 302
    entry = DrawEntry.objects.get(application=applicant)
    assert entry.code == code and entry.choices == [sessions[2].pk, sessions[1].pk, sessions[0].pk]
    html = client.get(response["Location"]).content.decode()
    assert re.search(rf'<option value="{sessions[2].pk}" selected>', html)


def test_withdrawing_removes_the_entry(client, applicant, release, sessions):
    enter_directly(applicant, sessions)
    response = client.post(f"/applications/{applicant.pk}/draw/withdraw/")
    assert response.status_code == 302 and response["Location"].endswith(query(sessions))
    assert not DrawEntry.objects.exists()
    assert client.post(f"/applications/{applicant.pk}/draw/withdraw/").status_code == 404


def test_a_booking_for_a_draw_day_is_refused_and_the_booking_page_links_the_draw(client, applicant, release, sessions):
    booking = f"/applications/{applicant.pk}/booking/?office={sessions[0].office.code}"
    response = client.post(booking, {"session": sessions[0].pk, "confirm": "1"})
    assert response.status_code == 409 and not Booking.objects.exists()
    html = client.get(booking).content.decode()
    assert 'data-opening="draw"' in html
    assert f'href="{page_url(applicant)}?office={sessions[0].office.code}&amp;date={sessions[0].date}"' in html
    assert not any(f'data-session="{s.pk}"' in html for s in sessions)  # no booking buttons on the draw day


def test_after_the_draw_a_winner_sees_the_bill_link_and_a_loser_can_join_and_leave_the_waitlist(
    client, release, sessions, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    for _ in range(4):  # three places, four entries: every place is won
        enter_directly(ready_application(), sessions)
    draws.release_allocate(release=release, close_now=True)
    won = DrawEntry.objects.filter(status=EntryStatus.WON).first()
    winner = won.application
    loser = DrawEntry.objects.filter(status=EntryStatus.NOT_DRAWN).first().application

    client.force_login(winner.owner)
    html = client.get(page_url(winner)).content.decode()
    assert f'href="/applications/{winner.pk}/bill/"' in html and 'id="draw-bill"' in html
    assert f'id="draw-won" data-session="{won.won_slot_id}"' in html and release.seed in html

    client.force_login(loser.owner)
    html = client.get(page_url(loser)).content.decode()
    assert 'data-status="not_drawn"' in html and 'id="draw-waitlist-join"' in html
    response = client.post(f"/applications/{loser.pk}/draw/waitlist/")
    assert response.status_code == 302
    assert DrawEntry.objects.get(application=loser).status == EntryStatus.WAITLISTED
    html = client.get(page_url(loser)).content.decode()
    assert 'id="draw-waitlist-leave"' in html and 'id="draw-waitlist-join"' not in html
    client.post(f"/applications/{loser.pk}/draw/waitlist/leave/")
    assert DrawEntry.objects.get(application=loser).status == EntryStatus.LEFT


def test_accepting_an_offered_place_lands_on_the_bill(client, release, sessions, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    for _ in range(4):  # three places, four entries: one waits
        enter_directly(ready_application(), sessions)
    draws.release_allocate(release=release, close_now=True)
    winner = DrawEntry.objects.filter(status=EntryStatus.WON).select_related("booking").first()
    loser = DrawEntry.objects.get(status=EntryStatus.NOT_DRAWN).application
    draws.waitlist_join(application=loser, actor=loser.owner)
    committed(appointments.booking_cancel, booking=winner.booking, actor=winner.application.owner)
    assert DrawEntry.objects.get(application=loser).status == EntryStatus.OFFERED

    client.force_login(loser.owner)
    html = client.get(page_url(loser)).content.decode()
    assert 'id="draw-waitlist-accept"' in html and 'id="draw-waitlist-decline"' in html
    response = client.post(f"/applications/{loser.pk}/draw/waitlist/accept/")
    assert response.status_code == 302 and response["Location"] == f"/applications/{loser.pk}/bill/"
    assert Booking.objects.get(application=loser, status="held").slot_id == winner.won_slot_id
    assert client.get(response["Location"]).status_code == 200


def test_the_public_record_shows_the_commitment_before_and_the_seed_after_and_checks_a_code(client, release, sessions):
    entry = enter_directly(ready_application(), sessions)
    record = f"/draw/{sessions[0].office.code}/{sessions[0].date.isoformat()}/"
    html = client.get(record).content.decode()
    assert release.commitment in html and release.seed not in html and 'id="draw-seed-hidden"' in html
    assert f'href="/api/v1/draws/{sessions[0].office.code}/{sessions[0].date.isoformat()}/entries/"' in html
    draws.release_allocate(release=release, close_now=True)
    html = client.get(record, {"code": entry.code.lower()}).content.decode()
    assert f'id="draw-seed">{release.seed}<' in html
    assert 'data-status="won"' in html and f'id="draw-won-session" data-session="{sessions[0].pk}"' in html
    assert 'data-status="unknown"' in client.get(record, {"code": "NOPE1234"}).content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/draw/no-such-office/2030-01-01/",
        "/draw/draw-web/not-a-date/",
        "/draw/draw-web/0001-01-01/",
        "/draw/draw-web/2026-02-30/",
    ],
)
def test_the_public_record_of_an_unknown_or_malformed_day_is_not_found(client, release, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "params",
    ["?office=draw-web&date=not-a-date", "?office=nowhere&date=2030-01-01", "?office=draw-web&date=0001-01-01"],
)
def test_a_hostile_draw_page_query_is_a_not_found_page(client, applicant, release, params):
    assert client.get(page_url(applicant) + params).status_code == 404


@pytest.mark.parametrize("value", ["-1", "99999999999999999999999999", "1e9", "x", "0"])
def test_a_hostile_session_id_is_refused_as_a_page_and_changes_nothing(client, applicant, release, sessions, value):
    response = client.post(page_url(applicant), {**entry_form(sessions), "choice1": value})
    assert response.status_code == 400 and not DrawEntry.objects.exists()


def test_a_session_of_another_office_is_refused_and_changes_nothing(client, applicant, release, sessions):
    elsewhere = make_slot(make_office(code="other-web"), days_ahead=3)
    response = client.post(page_url(applicant), entry_form(sessions, sessions[0], elsewhere))
    assert response.status_code == 400 and not DrawEntry.objects.exists()
    assert 'id="draw-form"' in response.content.decode()  # the page again, to choose again


def test_entering_for_an_unknown_office_or_day_is_not_found(client, applicant, release, sessions):
    nowhere = {**entry_form(sessions, sessions[0]), "office": "nowhere"}
    assert client.post(page_url(applicant), nowhere).status_code == 404
    assert client.post(page_url(applicant), {**entry_form(sessions, sessions[0]), "date": "x"}).status_code == 404
    assert not DrawEntry.objects.exists()


def test_someone_elses_application_is_not_found(client, release, sessions):
    stranger = ready_application()
    client.force_login(ready_application().owner)
    assert client.post(page_url(stranger), entry_form(sessions, sessions[0])).status_code == 404
    assert client.get(page_url(stranger)).status_code == 404
    assert not DrawEntry.objects.exists()
