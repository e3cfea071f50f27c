"""Reports per office: passports issued per month (open data), and daily operational figures
for supervisors. Counts only, never personal data. Dates are the office's local dates.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from django.db.models import Count
from django.db.models.functions import ExtractMonth, TruncDate
from django.utils import formats
from django.utils.translation import gettext as _

from billing.models import Bill, Payment
from casework.models import Issuance
from core.errors import DomainError
from queueing.models import Booking, Office

PRODUCTS = ("ordinary", "electronic")
FIRST_YEAR = 2000  # before M-Paspor and before any office's records of ours
MAX_PERIOD_DAYS = 366
DEFAULT_PERIOD_DAYS = 14


def _refuse(field: str, message: str):
    raise DomainError("invalid", message, fields={field: [message]})


def report_year(raw: str | None, today: date) -> int:
    """The year a report asks for: this year by default, one of ours otherwise."""
    if not raw:
        return today.year
    if not (raw.isascii() and raw.isdigit() and FIRST_YEAR <= int(raw) <= today.year + 1):
        _refuse("year", _("Choose a year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": today.year + 1})
    return int(raw)


def report_period(raw_from: str | None, raw_to: str | None, today: date) -> tuple[date, date]:
    """The days a report covers: the last fortnight by default, at most a year, in our years."""
    dates = {}
    for field, raw, default in (
        ("from", raw_from, today - timedelta(days=DEFAULT_PERIOD_DAYS - 1)),
        ("to", raw_to, today),
    ):
        try:
            dates[field] = date.fromisoformat(raw) if raw else default
        except ValueError:
            _refuse(field, _("Use a date like 2026-12-01."))
        if not FIRST_YEAR <= dates[field].year <= today.year + 1:
            _refuse(
                field, _("Choose a date from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": today.year + 1}
            )
    start, end = dates["from"], dates["to"]
    if end < start or (end - start).days >= MAX_PERIOD_DAYS:
        _refuse("to", _("Choose a range of at most a year, ending after it starts."))
    return start, end


def issuance_by_month(office: Office, year: int) -> list[dict]:
    """Passports printed per month and product, in the shape of an office's published table."""
    start = date(year, 1, 1)
    rows = (
        Issuance.objects.filter(office=office, printed_at__isnull=False)
        .filter(printed_at__date__gte=start, printed_at__date__lt=date(year + 1, 1, 1))
        .annotate(month=ExtractMonth("printed_at", tzinfo=office.zone))
        .values("month", "application__passport_type")
        .annotate(n=Count("id"))
    )
    counts = {(row["month"], row["application__passport_type"]): row["n"] for row in rows}
    return [
        {
            "month": month,
            "name": formats.date_format(date(year, month, 1), "F"),
            **{product: counts.get((month, product), 0) for product in PRODUCTS},
        }
        for month in range(1, 13)
    ]


def totals(months: list[dict]) -> dict:
    return {product: sum(m[product] for m in months) for product in PRODUCTS}


def issuance_csv(office: Office, year: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["office", "year", "month", "ordinary", "electronic"])
    for row in issuance_by_month(office, year):
        writer.writerow([office.code, year, row["month"], row["ordinary"], row["electronic"]])
    return out.getvalue()


def bar_chart_svg(months: list[dict], *, width: int = 640, height: int = 240) -> str:
    """Grouped bars per month (ordinary, electronic) as inline SVG: no script, no library."""
    peak = max([m[p] for m in months for p in PRODUCTS] + [1])
    left, bottom, top = 40, 24, 10
    plot_h, slot = height - bottom - top, (width - left) / len(months)
    bar = slot * 0.36
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" class="chart">',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width}" y2="{top + plot_h}" stroke="#8c959f"/>',
        f'<text x="{left - 6}" y="{top + 8}" text-anchor="end" font-size="10">{peak}</text>',
    ]
    for i, month in enumerate(months):
        x = left + i * slot + slot * 0.1
        for j, (product, colour) in enumerate((("ordinary", "#1f5fa0"), ("electronic", "#d4a72c"))):
            h = plot_h * month[product] / peak
            parts.append(
                f'<rect x="{x + j * bar:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{month["name"]}: {month[product]}</title></rect>'
            )
        parts.append(
            f'<text x="{x + bar:.1f}" y="{height - 8}" text-anchor="middle" font-size="10">{month["month"]}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def operations_by_day(office: Office, start: date, end: date) -> list[dict]:
    """Per office-local day: bookings made, no-shows, payments, expired holds, renewed bills."""
    zone = office.zone

    def per_day(queryset, field):
        # distinct: a bill joins to each booking it paid for (a moved booking appears twice)
        rows = queryset.annotate(day=TruncDate(field, tzinfo=zone)).values("day").annotate(n=Count("id", distinct=True))
        return {row["day"]: row["n"] for row in rows}

    lo, hi = start, end + timedelta(days=1)
    bookings = per_day(
        Booking.objects.filter(
            slot__office=office,
            moved_from__isnull=True,
            created_at__date__gte=lo - timedelta(days=1),
            created_at__date__lt=hi,
        ),
        "created_at",
    )
    no_shows = {
        row["slot__date"]: row["n"]
        for row in Booking.objects.filter(slot__office=office, status="no_show", slot__date__gte=lo, slot__date__lt=hi)
        .values("slot__date")
        .annotate(n=Count("id"))
    }
    payments = per_day(
        Payment.objects.filter(
            outcome="applied",
            bill__bookings__slot__office=office,
            paid_at__date__gte=lo - timedelta(days=1),
            paid_at__date__lt=hi,
        ),
        "paid_at",
    )
    expiries = per_day(
        Booking.objects.filter(
            slot__office=office, status="expired", hold_until__date__gte=lo - timedelta(days=1), hold_until__date__lt=hi
        ),
        "hold_until",
    )
    renewals = per_day(
        Bill.objects.filter(
            renewed_from__isnull=False,
            bookings__slot__office=office,
            issued_at__date__gte=lo - timedelta(days=1),
            issued_at__date__lt=hi,
        ),
        "issued_at",
    )
    days, day = [], start
    while day <= end:
        days.append(
            {
                "date": day,
                "bookings": bookings.get(day, 0),
                "no_shows": no_shows.get(day, 0),
                "payments": payments.get(day, 0),
                "expiries": expiries.get(day, 0),
                "renewals": renewals.get(day, 0),
            }
        )
        day += timedelta(days=1)
    return days
