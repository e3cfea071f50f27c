"""The quota draw end to end on the services: entering, the close, the result, the waitlist."""

from datetime import time, timedelta

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from appointments import draws
from appointments import services as appointments
from billing.models import Bill
from core.models import AuditEntry
from core.tasks import send_notifications
from queueing import draw, releases, selectors
from queueing.models import Booking, BookingStatus, DrawEntry, EntryStatus, OpeningMode
from tests.factories import UserFactory, make_office, make_slot, ready_application
from tests.helpers import committed, domain_error

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def office():
    return make_office(code="draw-jkt")


@pytest.fixture
def sessions(office):
    return [
        make_slot(office, days_ahead=3, capacity=2, priority_capacity=1, start=time(8 + 2 * i), end=time(10 + 2 * i))
        for i in range(3)
    ]


@pytest.fixture
def release(office, sessions):
    return releases.release_open(office=office, day=sessions[0].date, opens_at=timezone.now() - timedelta(minutes=1))


def enter(application, sessions, **kwargs):
    entry, _created = draws.draw_enter(
        application=application,
        actor=application.owner,
        office=sessions[0].office,
        day=sessions[0].date,
        session_ids=[s.pk for s in sessions],
        **kwargs,
    )
    return entry


def test_an_entry_ranks_up_to_three_sessions_and_a_change_is_the_same_entry(release, sessions):
    application = ready_application()
    entry = enter(application, sessions)
    again, created = draws.draw_enter(
        application=application,
        actor=application.owner,
        office=sessions[0].office,
        day=sessions[0].date,
        session_ids=[sessions[2].pk, sessions[0].pk],
    )
    assert created is False and again.code == entry.code
    assert DrawEntry.objects.get().choices == [sessions[2].pk, sessions[0].pk]
    with domain_error("invalid"):
        enter(application, sessions + [make_slot(sessions[0].office, days_ahead=3, start=time(15), end=time(16))])
    other_day = make_slot(sessions[0].office, days_ahead=4)
    with domain_error("invalid"):
        draws.draw_enter(
            application=application,
            actor=application.owner,
            office=sessions[0].office,
            day=sessions[0].date,
            session_ids=[other_day.pk],
        )


def test_the_database_refuses_a_second_entry_for_one_nik_on_one_day(release, sessions):
    first = ready_application()
    enter(first, sessions)
    other = ready_application()
    with pytest.raises(IntegrityError), transaction.atomic():
        DrawEntry.objects.create(release=release, application=other, nik=first.nik, date=release.date, choices=[1])


def test_who_may_enter_follows_the_booking_rules(release, sessions):
    unconfirmed = ready_application(owner=UserFactory(email_verified_at=None))
    with domain_error("email_not_verified"):
        enter(unconfirmed, sessions)
    draft = ready_application(status="draft")
    with domain_error("illegal_transition"):
        enter(draft, sessions)
    stranger = ready_application()
    with domain_error("permission_denied"):
        draws.draw_enter(
            application=stranger,
            actor=UserFactory(),
            office=sessions[0].office,
            day=sessions[0].date,
            session_ids=[sessions[0].pk],
        )
    assert not DrawEntry.objects.exists()


def test_while_the_window_is_open_and_until_the_draw_nobody_books_the_day_directly(release, sessions):
    application = ready_application()
    with domain_error("draw_open"):
        appointments.booking_create(application=application, slot=sessions[0], actor=application.owner)
    day = next(d for d in selectors.availability(sessions[0].office) if d["date"] == release.date.isoformat())
    assert day["opening"] == "draw"
    release.closes_at = timezone.now()
    release.save()
    with domain_error("draw_pending"):
        appointments.booking_create(application=application, slot=sessions[0], actor=application.owner)
    with domain_error("draw_closed"):
        enter(application, sessions)
    assert not Booking.objects.exists()


def test_withdrawing_deletes_the_entry_and_is_refused_after_the_close(release, sessions):
    application = ready_application()
    enter(application, sessions)
    draws.draw_withdraw(application=application, actor=application.owner)
    assert not DrawEntry.objects.exists()
    enter(application, sessions)
    release.closes_at = timezone.now()
    release.save()
    with domain_error("draw_closed"):
        draws.draw_withdraw(application=application, actor=application.owner)
    assert DrawEntry.objects.count() == 1


def test_the_draw_fills_every_place_once_bills_the_winners_from_now_and_anyone_can_recompute_it(release, sessions):
    applications = [ready_application() for _ in range(12)]
    for application in applications:
        enter(application, sessions)
    before = timezone.now()
    summary = draws.release_allocate(release=release, close_now=True)
    release.refresh_from_db()
    assert summary["entries"] == 12 and summary["won"] == 6  # three sessions of two regular places
    assert draw.seed_matches(release.seed, release.commitment)
    winners = DrawEntry.objects.filter(status=EntryStatus.WON)
    assert winners.count() == 6
    for slot in sessions:
        assert Booking.objects.filter(slot=slot, status=BookingStatus.HELD).count() == 2
    for bill in Bill.objects.all():  # the payment clock starts at the draw, not at entry
        assert bill.expires_at >= before + timedelta(seconds=settings.BILL_TTL_SECONDS)
    assert DrawEntry.objects.filter(status=EntryStatus.NOT_DRAWN).count() == 6

    # The public record is enough to recompute every result.
    published = releases.published_entries(release)
    recomputed = draw.allocate(release.seed, published, {str(s.pk): draw.Places(regular=2) for s in sessions})
    assert recomputed == {e.code: str(e.won_slot_id) for e in winners}
    told = AuditEntry.objects.filter(action="draw_not_drawn", public=True).count()
    assert told == 6

    # A second run changes nothing.
    assert draws.release_allocate(release=release)["won"] == 6
    assert Booking.objects.count() == 6 and AuditEntry.objects.filter(action="draw_not_drawn").count() == 6


def test_priority_places_go_to_eligible_entries_first(release, sessions):
    eligible = ready_application(priority_reason="disability")
    enter(eligible, sessions[:1], priority=True)
    for _ in range(5):
        enter(ready_application(), sessions[:1])
    draws.release_allocate(release=release, close_now=True)
    booking = Booking.objects.get(application=eligible)
    assert booking.lane == "priority"
    assert Booking.objects.filter(slot=sessions[0]).count() == 3  # 2 regular + 1 priority, never more


def test_an_entry_that_can_no_longer_be_booked_leaves_the_draw_and_is_told_why(release, sessions, mailoutbox):
    gone = ready_application()
    enter(gone, sessions)
    appointments.application_cancel(application=gone, actor=gone.owner)
    stays = ready_application()
    enter(stays, sessions)
    send_notifications()
    mailoutbox.clear()
    draws.release_allocate(release=release, close_now=True)
    assert DrawEntry.objects.get(application=gone).status == EntryStatus.VOID
    assert DrawEntry.objects.get(application=stays).status == EntryStatus.WON
    assert [e.key for e in releases.published_entries(release)] == [DrawEntry.objects.get(application=stays).code]

    # The timeline says it, and so does an e-mail (the winner's comes with the booking's bill).
    told = AuditEntry.objects.get(application_id=gone.pk, action="draw_void")
    assert told.public and told.data == {"entry": DrawEntry.objects.get(application=gone).code}
    send_notifications()
    to_gone = [m for m in mailoutbox if m.to == [gone.owner.email]]
    assert len(to_gone) == 1 and "Tidak diikutkan dalam undian kuota" in to_gone[0].body
    assert send_notifications() == 0  # told once


def test_a_freed_place_goes_to_the_waitlist_in_draw_order_and_lapses_to_the_next(release, sessions, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    for _ in range(9):
        enter(ready_application(), sessions)
    draws.release_allocate(release=release, close_now=True)
    losers = list(DrawEntry.objects.filter(status=EntryStatus.NOT_DRAWN))
    for entry in losers:
        draws.waitlist_join(application=entry.application, actor=entry.application.owner)
    day = next(d for d in selectors.availability(sessions[0].office) if d["date"] == release.date.isoformat())
    assert day["opening"] == "waitlist"

    winner = DrawEntry.objects.filter(status=EntryStatus.WON).select_related("booking").first()
    committed(appointments.booking_cancel, booking=winner.booking, actor=winner.application.owner)
    # A racer cannot take the freed place: it is the waitlist's.
    racer = ready_application()
    with domain_error("waitlist_only"):
        appointments.booking_create(application=racer, slot=winner.booking.slot, actor=racer.owner)
    order = sorted(losers, key=lambda e: draw.ticket(release.seed, e.code))
    offered = DrawEntry.objects.get(status=EntryStatus.OFFERED)
    assert offered.pk == order[0].pk and offered.offered_slot_id == winner.won_slot_id

    # The offer lapses: the next in order is offered the place.
    DrawEntry.objects.filter(pk=offered.pk).update(offer_until=timezone.now() - timedelta(seconds=1))
    assert draws.waitlist_offer(release=release) == 1
    assert DrawEntry.objects.get(pk=offered.pk).status == EntryStatus.LAPSED
    second = DrawEntry.objects.get(status=EntryStatus.OFFERED)
    assert second.pk == order[1].pk
    with domain_error("offer_lapsed"):
        draws.waitlist_accept(application=offered.application, actor=offered.application.owner)
    booking = draws.waitlist_accept(application=second.application, actor=second.application.owner)
    assert booking.slot_id == winner.won_slot_id and booking.status == BookingStatus.HELD
    assert Booking.objects.filter(slot_id=winner.won_slot_id).filter(status=BookingStatus.HELD).count() == 2
    assert draws.waitlist_offer(release=release) == 0  # the day is full again: nothing more to offer


def test_the_periodic_job_opens_the_window_of_the_newly_released_day_with_its_commitment():
    office = make_office(code="draw-clock", booking_horizon_days=3)
    local = office.local_now()
    office.quota_release_time = (local - timedelta(minutes=1)).time()
    office.save()
    if (local - timedelta(minutes=1)).date() != local.date():
        pytest.skip("a minute after midnight")
    slot = make_slot(office, days_ahead=3)
    assert office.opening_mode == OpeningMode.DRAW
    assert releases.releases_open_due() == 1
    release = releases.release_of(office, slot.date)
    assert release.commitment == draw.commitment(release.seed) and releases.release_summary(release)["seed"] is None
    assert releases.releases_open_due() == 0
    application = ready_application()
    with domain_error("draw_open"):
        appointments.booking_create(application=application, slot=slot, actor=application.owner)


def test_an_office_in_race_mode_books_the_released_day_directly():
    office = make_office(code="race-jkt", booking_horizon_days=3, opening_mode=OpeningMode.RACE)
    office.quota_release_time = (office.local_now() - timedelta(minutes=1)).time()
    office.save()
    slot = make_slot(office, days_ahead=3)
    application = ready_application()
    booking = appointments.booking_create(application=application, slot=slot, actor=application.owner)
    assert booking.status == BookingStatus.HELD


def test_the_waitlist_is_offered_only_sessions_it_ranked_and_holds_only_those(release, sessions):
    for _ in range(4):  # four want the first session (two places); nobody ranks the others
        enter(ready_application(), sessions[:1])
    draws.release_allocate(release=release, close_now=True)
    for entry in DrawEntry.objects.filter(status=EntryStatus.NOT_DRAWN):
        draws.waitlist_join(application=entry.application, actor=entry.application.owner)
    assert draws.waitlist_offer(release=release) == 0  # the free places of other sessions are nobody's offer
    assert not DrawEntry.objects.filter(status=EntryStatus.OFFERED).exists()
    racer = ready_application()
    booking = appointments.booking_create(application=racer, slot=sessions[1], actor=racer.owner)
    assert booking.slot_id == sessions[1].pk  # a session nobody waits for is booked as on any day
    winner = DrawEntry.objects.filter(status=EntryStatus.WON).select_related("booking").first()
    committed(appointments.booking_cancel, booking=winner.booking, actor=winner.application.owner)
    other = ready_application()
    with domain_error("waitlist_only"):
        appointments.booking_create(application=other, slot=sessions[0], actor=other.owner)
