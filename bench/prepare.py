"""Prepare a quota opening: one office with a month of sessions, whose newest day the crowd
wants, and thousands of applicants with submitted applications, each with an access token.

Writes bench/tmp/applicants.txt ("<token> <application id>" per line) and
bench/tmp/sessions.txt (one session id per line).
"""

import os
import sys
from datetime import time, timedelta
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpaspor.settings.production")
django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework_simplejwt.tokens import AccessToken  # noqa: E402

from applicants.models import Application, Document, User  # noqa: E402
from applicants.storage import private_storage  # noqa: E402
from queueing import services  # noqa: E402
from queueing.models import Office, SessionTemplate  # noqa: E402

APPLICANTS = int(os.environ.get("BENCH_APPLICANTS", "20000"))
CAPACITY = int(os.environ.get("BENCH_CAPACITY", "40"))
OUT = Path(__file__).resolve().parent / "tmp"


def nik(serial: int) -> str:
    # Born 17-08-1990 in Jakarta Utara; the serial keeps each NIK unique (four digits, then the regency code moves).
    regency = 71 + serial // 9999
    return f"31{regency:02d}01170890{serial % 9999 + 1:04d}"


@transaction.atomic
def main() -> None:
    office, _ = Office.objects.update_or_create(
        code="bench-office",
        defaults={
            "name": "Kantor Imigrasi Benchmark",
            "address": "Jl. Uji Beban 1",
            "city": "Jakarta Utara",
            "province": "DKI Jakarta",
            "timezone": "Asia/Jakarta",
            "issues_electronic": True,
            "offers_same_day": True,
            "working_days": [0, 1, 2, 3, 4, 5, 6],
            "booking_horizon_days": 30,
            "quota_release_time": time(0, 0),
        },
    )
    for start, end in ((time(8), time(10)), (time(10), time(12)), (time(13), time(15))):
        SessionTemplate.objects.update_or_create(
            office=office, start_time=start, defaults={"end_time": end, "capacity": CAPACITY, "priority_capacity": 5}
        )
    today = office.local_today()
    services.slots_generate(office=office, start=today, end=today + timedelta(days=30))
    # The crowd wants the day that has just been released: the last day of the window.
    newest = office.slots.filter(date__gt=today).order_by("-date").values_list("date", flat=True).first()
    sessions = list(office.slots.filter(date=newest).values_list("pk", flat=True))

    password = make_password("bench-password-2026")
    storage = private_storage()
    photo = "documents/bench-shared.jpg"
    if not storage.exists(photo):
        storage.save(photo, ContentFile(b"\xff\xd8\xff\xe0bench"))
    users = User.objects.bulk_create(
        [
            User(
                email=f"crowd{i}@bench.localhost",
                full_name="Pemohon Uji",
                password=password,
                email_verified_at=timezone.now(),
            )
            for i in range(APPLICANTS)
        ],
        batch_size=2000,
    )
    now = timezone.now()
    applications = Application.objects.bulk_create(
        [
            Application(
                owner=user,
                status="submitted",
                submitted_at=now,
                passport_type="ordinary",
                validity_years=10,
                reason="new",
                purpose="tourism",
                nik=nik(i),
                kk_number="3171010101090001",
                full_name="Pemohon Uji",
                sex="male",
                place_of_birth="Jakarta",
                date_of_birth="1990-08-17",
                marital_status="single",
                occupation="Karyawan",
                phone="+6281234567890",
                address_line="Jl. Uji 1",
                village="Sunter",
                district="Tanjung Priok",
                city="Jakarta Utara",
                province="DKI Jakarta",
                postal_code="14350",
                mother_name="Siti",
                emergency_contact_name="Ani",
                emergency_contact_phone="+6281298765432",
            )
            for i, user in enumerate(users)
        ],
        batch_size=2000,
    )
    Document.objects.bulk_create(
        [
            Document(application=a, kind=kind, file=photo, content_type="image/jpeg", size=1, sha256="0" * 64)
            for a in applications
            for kind in ("ktp", "kk", "birth_certificate")
        ],
        batch_size=5000,
    )
    OUT.mkdir(exist_ok=True)
    with open(OUT / "applicants.txt", "w") as fh:
        for user, application in zip(users, applications, strict=True):
            fh.write(f"{AccessToken.for_user(user)} {application.pk}\n")
    (OUT / "sessions.txt").write_text("\n".join(map(str, sessions)) + "\n")
    print(
        f"prepared {len(applications)} applicants; the crowd books {len(sessions)} sessions of {newest} "
        f"with {len(sessions) * CAPACITY} regular places"
    )


if __name__ == "__main__":
    main()
