"""Prepare a quota opening: one office with a month of sessions, whose newest day the crowd
wants, and thousands of applicants with submitted applications, each with an access token.

Writes bench/tmp/applicants.txt ("<token> <application id>" per line) and
bench/tmp/sessions.txt (one session id per line).

The lines of applicants.txt, in this order: BENCH_APPLICANTS for the race (the rush and the
rounds at bench-office), BENCH_DRAW_APPLICANTS for the draw at bench-draw (only when the
draw exists: queueing.releases), BENCH_PROBES for the staleness probe at bench-stale.
bench/tmp/layout.txt says where each group starts and ends. One applicant in BOT_EVERY of
each group is a bot (bench/tmp/bots.txt: their application ids); wrk.lua has bots ask ten
times as often as everybody else.

bench/tmp/draw.txt: "<office> <date> <session id> <session id> <session id>" of the draw's
day; bench/tmp/stale.txt: "<office> <session id>" of the probe's session.
"""

import importlib.util
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
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework_simplejwt.tokens import AccessToken  # noqa: E402

from applicants.models import Application, Document, User  # noqa: E402
from applicants.storage import private_storage  # noqa: E402
from queueing import services  # noqa: E402
from queueing.models import Office, SessionTemplate  # noqa: E402

APPLICANTS = int(os.environ.get("BENCH_APPLICANTS", "20000"))
DRAW_APPLICANTS = int(os.environ.get("BENCH_DRAW_APPLICANTS", "30000"))
PROBES = int(os.environ.get("BENCH_PROBES", "20"))
CAPACITY = int(os.environ.get("BENCH_CAPACITY", "40"))
BOT_EVERY = 100  # 1% of each group
OUT = Path(__file__).resolve().parent / "tmp"
SESSIONS = ((time(8), time(10)), (time(10), time(12)), (time(13), time(15)))


def draw_available() -> bool:
    """The draw (issue 13) is in this tree: the releases module and the office's opening mode."""
    return importlib.util.find_spec("queueing.releases") is not None and hasattr(Office, "opening_mode")


# The rush and the staleness probe book directly, as in `race` mode: in the default `draw`
# mode a run that starts just after the office's midnight releases a new day behind a draw.
RACE = {"opening_mode": "race"} if draw_available() else {}


def make_office(code: str, name: str, sessions, capacity: int, priority: int, **extra) -> tuple[Office, list]:
    """An office open every day with `sessions` of `capacity` places; the newest day's sessions."""
    office, _ = Office.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "address": "Jl. Uji Beban 1",
            "city": "Jakarta Utara",
            "province": "DKI Jakarta",
            "timezone": "Asia/Jakarta",
            "issues_electronic": True,
            "offers_same_day": True,
            "working_days": [0, 1, 2, 3, 4, 5, 6],
            "booking_horizon_days": 30,
            "quota_release_time": time(0, 0),
            **extra,
        },
    )
    for start, end in sessions:
        SessionTemplate.objects.update_or_create(
            office=office,
            start_time=start,
            defaults={"end_time": end, "capacity": capacity, "priority_capacity": priority},
        )
    today = office.local_today()
    services.slots_generate(office=office, start=today, end=today + timedelta(days=30))
    # The crowd wants the day that has just been released: the last day of the window.
    newest = office.slots.filter(date__gt=today).order_by("-date").values_list("date", flat=True).first()
    return office, list(office.slots.filter(date=newest).order_by("start_time"))


def nik(serial: int) -> str:
    # Born 17-08-1990 in Jakarta Utara; the serial keeps each NIK unique (four digits, then the regency code moves).
    regency = 71 + serial // 9999
    return f"31{regency:02d}01170890{serial % 9999 + 1:04d}"


@transaction.atomic
def main() -> None:
    office, slots = make_office("bench-office", "Kantor Imigrasi Benchmark", SESSIONS, CAPACITY, 5, **RACE)
    newest, sessions = slots[0].date, [slot.pk for slot in slots]
    draw = draw_available() and DRAW_APPLICANTS > 0  # BENCH_DRAW_APPLICANTS=0: no draw phase
    total = APPLICANTS + (DRAW_APPLICANTS if draw else 0) + PROBES
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
            for i in range(total)
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
    groups = {"race": APPLICANTS, "draw": DRAW_APPLICANTS if draw else 0, "probe": PROBES}
    layout, first = [], 1
    bots = []
    for group, size in groups.items():
        layout.append(f"{group} {first} {first + size - 1}")
        bots += [applications[first - 1 + i].pk for i in range(BOT_EVERY // 2, size, BOT_EVERY)]
        first += size
    (OUT / "layout.txt").write_text("\n".join(layout) + "\n")
    (OUT / "bots.txt").write_text("".join(f"{pk}\n" for pk in bots))
    _, stale = make_office("bench-stale", "Kantor Imigrasi Uji Kesegaran", SESSIONS[:1], 10 * PROBES, 0, **RACE)
    (OUT / "stale.txt").write_text(f"bench-stale {stale[0].pk}\n")
    if draw:
        prepare_draw()
    else:
        (OUT / "draw.txt").unlink(missing_ok=True)
        print("no draw phase: queueing.releases is missing or BENCH_DRAW_APPLICANTS=0")
    print(
        f"prepared {len(applications)} applicants ({len(bots)} bots); "
        f"the crowd books {len(sessions)} sessions of {newest} "
        f"with {len(sessions) * CAPACITY} regular places"
    )


def settle() -> None:
    """Leave the database as it stands on an opening morning, not a minute after a bulk load.

    Real applicants register over weeks: by 08:00 autovacuum has analysed their tables and
    the checkpointer has written their pages. Right after writing tens of thousands of rows
    in seconds, both would do that work during the rush instead, and the planner would
    plan the first queries against tables it still believes empty.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")


def prepare_draw() -> None:
    """bench-draw releases its newest day by a draw: three sessions of 40 places, entries open now."""
    from queueing import releases

    office, slots = make_office("bench-draw", "Kantor Imigrasi Undian", SESSIONS, 40, 0, opening_mode="draw")
    releases.release_open(office=office, day=slots[0].date, opens_at=timezone.now(), minutes=60)
    (OUT / "draw.txt").write_text(f"bench-draw {slots[0].date.isoformat()} {' '.join(str(s.pk) for s in slots)}\n")
    print(f"bench-draw: entries for {slots[0].date} open now, {len(slots)} sessions of 40 places")


if __name__ == "__main__":
    main()
    settle()
