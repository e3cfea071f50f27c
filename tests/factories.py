"""Factories for tests: real rows in the real database, built through the same paths."""

from __future__ import annotations

import io
from datetime import date, time

import factory
from django.utils import timezone
from PIL import Image

from applicants.models import Application, User
from appointments import payments as receiving
from appointments import services as appointments


def make_nik(born: date, female: bool = False, serial: int = 1, region: str = "317101") -> str:
    """A NIK that encodes `born` and sex the way Dukcapil does (day + 40 for women)."""
    day = born.day + 40 if female else born.day
    return f"{region}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def jpeg_bytes(
    size=(1200, 900), color=(200, 180, 160), exif_orientation: int | None = None, gps: bool = False
) -> bytes:
    """A photo with enough detail to count as sharp, optionally carrying EXIF tags."""
    image = Image.new("RGB", size, color)
    pixels = image.load()
    for x in range(0, size[0], 7):  # stripes: edges, like text on a document
        for y in range(size[1]):
            pixels[x, y] = (20, 20, 20)
    exif = Image.Exif()
    if exif_orientation:
        exif[0x0112] = exif_orientation
    if gps:
        exif[0x8825] = {1: "S", 2: (6.0, 7.0, 8.0)}
        exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes() if (exif_orientation or gps) else b"")
    return out.getvalue()


def png_bytes(size=(800, 600), mode="RGBA") -> bytes:
    image = Image.new(mode, size, (10, 120, 200, 255) if mode == "RGBA" else (10, 120, 200))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def pdf_bytes(pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.id")
    full_name = factory.Sequence(lambda n: f"Pemohon {chr(65 + n % 26)}")
    phone = "+6281234567890"
    email_verified_at = factory.LazyFunction(timezone.now)  # confirmed, as before booking; tests of not yet say so
    password = factory.PostGenerationMethodCall("set_password", "rahasia-sekali-9")

    @factory.post_generation
    def persist(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        from casework.roles import ensure_roles

        if create and extracted:
            obj.groups.add(ensure_roles()[extracted])

    @factory.post_generation
    def posted_to(obj, create, extracted, **kwargs):
        """The offices the staff member is posted to (queueing.StaffPosting). Left out, the staff
        member sees every office (`queueing.view_all_offices`), as tests of other things need;
        tests of the office scope pass the offices, or [] for a staff member posted nowhere."""
        if not create:
            return
        if extracted is None:
            from django.contrib.auth.models import Permission

            obj.user_permissions.add(
                Permission.objects.get(content_type__app_label="queueing", codename="view_all_offices")
            )
        else:
            from queueing.models import StaffPosting

            for office in extracted:
                StaffPosting.objects.create(user=obj, office=office)
        for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
            obj.__dict__.pop(cache, None)


ADULT_BORN = date(1990, 8, 17)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft whose biodata is complete and valid for an adult's new ordinary passport."""

    class Meta:
        model = Application

    owner = factory.SubFactory(UserFactory)
    passport_type = "ordinary"
    validity_years = 10
    reason = "new"
    purpose = "tourism"
    full_name = "Budi Santoso"
    sex = "male"
    date_of_birth = ADULT_BORN
    nik = factory.Sequence(lambda n: make_nik(ADULT_BORN, serial=n + 1))
    kk_number = "3171010101090001"
    place_of_birth = "Jakarta"
    marital_status = "single"
    occupation = "Karyawan swasta"
    phone = "+6281234567890"
    address_line = "Jl. Enggano No. 10, RT 001/RW 002"
    village = "Tanjung Priok"
    district = "Tanjung Priok"
    city = "Jakarta Utara"
    province = "DKI Jakarta"
    postal_code = "14310"
    mother_name = "Siti Aminah"
    father_name = "Slamet"
    emergency_contact_name = "Ani Santoso"
    emergency_contact_phone = "+6281298765432"
    emergency_contact_relationship = "Kakak"


def create_draft(owner=None, **overrides) -> Application:
    """A complete draft created the way an applicant creates one: through the service."""
    from django.forms.models import model_to_dict

    from applicants import rules, services

    built = ApplicationFactory.build(**overrides)
    values = model_to_dict(built, fields=rules.EDITABLE_FIELDS)
    return services.application_create(owner=owner or UserFactory(), data=values)


def ready_application(owner=None, **overrides) -> Application:
    """A submitted application with its three documents, ready to book.

    Rows are written directly (no image decoding) so tests can make hundreds quickly; the
    document files are one shared small JPEG.
    """
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from applicants.models import Document
    from applicants.storage import private_storage

    storage = private_storage()
    name = "documents/shared-test-photo.jpg"
    if not storage.exists(name):
        storage.save(name, ContentFile(jpeg_bytes(size=(64, 48))))
    fields = {"status": "submitted", "submitted_at": timezone.now(), **overrides}
    application = ApplicationFactory(owner=owner or UserFactory(), **fields)
    Document.objects.bulk_create(
        [
            Document(application=application, kind=kind, file=name, content_type="image/jpeg", size=1, sha256="0" * 64)
            for kind in ("ktp", "kk", "birth_certificate")
        ]
    )
    return application


def make_office(code="jkt-priok", tz="Asia/Jakarta", **overrides):
    from queueing.models import Office

    defaults = {
        "name": f"Kantor Imigrasi {code}",
        "address": "Jl. Enggano No. 10",
        "city": "Jakarta Utara",
        "province": "DKI Jakarta",
        "timezone": tz,
        "issues_electronic": True,
        "offers_same_day": True,
        "latitude": -6.1,
        "longitude": 106.9,
    }
    return Office.objects.create(code=code, **{**defaults, **overrides})


def make_slot(office, days_ahead=2, capacity=5, priority_capacity=2, start=None, end=None):
    """A session `days_ahead` days after the office's local today."""
    from datetime import time, timedelta

    from queueing.models import SessionSlot

    start, end = start or time(8), end or time(10)
    day = office.local_today() + timedelta(days=days_ahead)
    slot, _created = SessionSlot.objects.get_or_create(
        office=office,
        date=day,
        start_time=start,
        defaults={
            "end_time": end,
            "starts_at": SessionSlot.aware(office, day, start),
            "capacity": capacity,
            "ends_at": SessionSlot.aware(office, day, end),
            "priority_capacity": priority_capacity,
        },
    )
    return slot


def paid_booking_today(office, **application_fields):
    """A booking made and paid earlier, whose session is today (the day of the visit has come)."""
    from billing import simulator
    from queueing.models import Booking

    application = ready_application(**application_fields)
    booking = appointments.booking_create(
        application=application, slot=make_slot(office, days_ahead=2), actor=application.owner
    )
    body = simulator.notification(billing_code=booking.bill.code, amount=booking.bill.amount)
    receiving.payment_record(**{**body, "paid_at": booking.bill.issued_at})
    today = make_slot(office, days_ahead=0, start=time(13), end=time(15))
    Booking.objects.filter(pk=booking.pk).update(slot=today)
    booking.refresh_from_db()
    return booking
