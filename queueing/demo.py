"""Realistic offices for `seed_demo`: addresses and coordinates of real immigration offices."""

from datetime import date, time, timedelta

from django.utils import timezone

from queueing import services
from queueing.models import Closure, Office, SessionTemplate

# code, name, class, address, city, province, lat, lon, tz, e-passport, same-day, sessions
OFFICES = [
    (
        "jkt-priok",
        "Kantor Imigrasi Kelas I TPI Tanjung Priok",
        "Kelas I TPI",
        "Jl. Enggano No. 10, Tanjung Priok",
        "Jakarta Utara",
        "DKI Jakarta",
        -6.10744,
        106.88338,
        "Asia/Jakarta",
        True,
        True,
        [(40, 10), (40, 10), (30, 8)],
    ),
    (
        "jkt-selatan",
        "Kantor Imigrasi Kelas I Non TPI Jakarta Selatan",
        "Kelas I Non TPI",
        "Jl. Warung Buncit Raya No. 207, Mampang Prapatan",
        "Jakarta Selatan",
        "DKI Jakarta",
        -6.25667,
        106.82972,
        "Asia/Jakarta",
        True,
        True,
        [(50, 12), (50, 12), (40, 10)],
    ),
    (
        "jkt-barat",
        "Kantor Imigrasi Kelas I Non TPI Jakarta Barat",
        "Kelas I Non TPI",
        "Jl. Pos Kota No. 4, Tamansari",
        "Jakarta Barat",
        "DKI Jakarta",
        -6.13583,
        106.81417,
        "Asia/Jakarta",
        False,
        False,
        [(35, 8), (35, 8), (25, 6)],
    ),
    (
        "batam",
        "Kantor Imigrasi Kelas I Khusus TPI Batam",
        "Kelas I Khusus TPI",
        "Jl. Engku Putri No. 3, Batam Centre",
        "Batam",
        "Kepulauan Riau",
        1.12830,
        104.05280,
        "Asia/Jakarta",
        True,
        True,
        [(70, 17), (70, 17), (60, 16)],
    ),
    (
        "surabaya",
        "Kantor Imigrasi Kelas I Khusus TPI Surabaya",
        "Kelas I Khusus TPI",
        "Jl. Letjend S. Parman No. 58A, Waru",
        "Sidoarjo",
        "Jawa Timur",
        -7.35083,
        112.72639,
        "Asia/Jakarta",
        True,
        True,
        [(60, 15), (60, 15), (50, 12)],
    ),
    (
        "mataram",
        "Kantor Imigrasi Kelas I TPI Mataram",
        "Kelas I TPI",
        "Jl. Udayana No. 2, Mataram",
        "Mataram",
        "Nusa Tenggara Barat",
        -8.57194,
        116.09444,
        "Asia/Makassar",
        True,
        False,
        [(30, 8), (30, 8), (20, 5)],
    ),
    (
        "denpasar",
        "Kantor Imigrasi Kelas I TPI Denpasar",
        "Kelas I TPI",
        "Jl. Panjaitan No. 3, Renon",
        "Denpasar",
        "Bali",
        -8.67361,
        115.22917,
        "Asia/Makassar",
        True,
        True,
        [(45, 10), (45, 10), (35, 8)],
    ),
    (
        "jayapura",
        "Kantor Imigrasi Kelas I TPI Jayapura",
        "Kelas I TPI",
        "Jl. Percetakan Negara No. 15, Jayapura",
        "Jayapura",
        "Papua",
        -2.53361,
        140.71806,
        "Asia/Jayapura",
        False,
        False,
        [(20, 5), (20, 5), (15, 4)],
    ),
]
SESSION_TIMES = [(time(8), time(10)), (time(10), time(12)), (time(13), time(15))]
# Fixed-date national holidays; moveable ones (Idul Fitri, Nyepi, ...) are entered by staff each year.
FIXED_HOLIDAYS = [
    ((1, 1), "Tahun Baru Masehi"),
    ((5, 1), "Hari Buruh Internasional"),
    ((6, 1), "Hari Lahir Pancasila"),
    ((8, 17), "Hari Kemerdekaan Republik Indonesia"),
    ((12, 25), "Hari Raya Natal"),
]


def seed_offices(days: int = 30) -> list[Office]:
    today = timezone.localdate()
    for year in (today.year, today.year + 1):
        for (month, day), reason in FIXED_HOLIDAYS:
            Closure.objects.get_or_create(office=None, date=date(year, month, day), defaults={"reason": reason})
    offices = []
    for code, name, klass, address, city, province, lat, lon, tz, epass, same_day, sessions in OFFICES:
        office, _new = Office.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "office_class": klass,
                "address": address,
                "city": city,
                "province": province,
                "latitude": lat,
                "longitude": lon,
                "timezone": tz,
                "issues_electronic": epass,
                "offers_same_day": same_day,
            },
        )
        for (start, end), (capacity, priority) in zip(SESSION_TIMES, sessions, strict=True):
            SessionTemplate.objects.update_or_create(
                office=office,
                start_time=start,
                defaults={"end_time": end, "capacity": capacity, "priority_capacity": priority},
            )
        services.slots_generate(
            office=office, start=today, end=today + timedelta(days=max(days, office.booking_horizon_days))
        )
        offices.append(office)
    return offices
