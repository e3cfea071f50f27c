"""Rows the old checks stored in other digits are rewritten in ASCII before the database starts
refusing them; a NIK booked twice in two spellings stops the migration instead of being guessed."""

from datetime import UTC, datetime, time, timedelta
from uuid import uuid4

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from applicants.models import Application, User
from queueing.models import Booking
from tests.applicants.test_numbers_stored_in_one_form import arabic_indic, full_width

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("applicants", "0007_notification_delivery_at_least_once"), ("queueing", "0001_initial")]
NIK = "3171011708900001"


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def old_schema():
    """The database as it was before the constraints, put back to the latest schema afterwards."""
    apps = migrate(BEFORE)
    yield apps
    migrate(latest())


def old_application(apps, **numbers):
    owner = apps.get_model("applicants", "User").objects.create(email=f"{uuid4().hex}@example.id", full_name="Budi")
    return apps.get_model("applicants", "Application").objects.create(owner=owner, full_name="Budi Santoso", **numbers)


def old_booking(apps, application, status="held"):
    office = apps.get_model("queueing", "Office").objects.get_or_create(
        code="jkt", defaults={"name": "Kanim", "address": "Jl. Enggano", "city": "Jakarta", "province": "DKI Jakarta"}
    )[0]
    day = timezone.localdate() + timedelta(days=2)
    starts = datetime.combine(day, time(1), tzinfo=UTC)
    slot = apps.get_model("queueing", "SessionSlot").objects.get_or_create(
        office=office,
        date=day,
        start_time=time(8),
        defaults={"end_time": time(10), "starts_at": starts, "ends_at": starts + timedelta(hours=2), "capacity": 5},
    )[0]
    return apps.get_model("queueing", "Booking").objects.create(
        application=application, slot=slot, nik=application.nik, status=status
    )


def test_numbers_the_old_checks_let_through_in_other_digits_are_stored_in_ascii_by_the_migration(old_schema):
    application = old_application(
        old_schema,
        nik=NIK[:2] + full_width(NIK[2:]),
        kk_number=arabic_indic("3171010101090001"),
        postal_code="¹⁴³¹⁰",
        phone="+62" + full_width("81234567890"),
        emergency_contact_phone="+628129876543²",
    )
    old_booking(old_schema, application)
    old_schema.get_model("applicants", "User").objects.filter(pk=application.owner_id).update(
        phone="+62８１２３４５６７８９０"
    )

    migrate(latest())

    application = Application.objects.get(pk=application.pk)
    assert (application.nik, application.kk_number, application.postal_code) == (NIK, "3171010101090001", "14310")
    assert (application.phone, application.emergency_contact_phone) == ("+6281234567890", "+6281298765432")
    assert Booking.objects.get().nik == NIK and User.objects.get(pk=application.owner_id).phone == "+6281234567890"


def test_a_nik_actively_booked_twice_in_two_spellings_stops_the_migration_naming_the_booking(old_schema):
    old_booking(old_schema, old_application(old_schema, nik=NIK))
    twice = old_booking(old_schema, old_application(old_schema, nik=NIK[:2] + full_width(NIK[2:])))

    with pytest.raises(RuntimeError, match=f"booking {twice.pk} nik: {NIK} is already taken"):
        migrate(latest())

    old_schema.get_model("queueing", "Booking").objects.filter(pk=twice.pk).update(
        status="cancelled"
    )  # staff cancel one
    migrate(latest())
    assert Booking.objects.get(pk=twice.pk).nik == NIK
