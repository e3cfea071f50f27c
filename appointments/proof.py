"""The proof of application: a one-page PDF with a QR code that staff scan at check-in."""

from __future__ import annotations

import io

import segno
from django.utils import formats, translation
from django.utils.translation import gettext as _
from fpdf import FPDF


def _latin1(text) -> str:
    # The PDF's core font covers Latin-1; anything else is replaced, not crashed on.
    return str(text).encode("latin-1", "replace").decode("latin-1")


def masked_nik(nik: str) -> str:
    return f"{nik[:6]}******{nik[-4:]}" if len(nik) == 16 else nik


def proof_pdf(*, application, booking, bill, language: str = "id") -> bytes:
    slot, office = booking.slot, booking.slot.office
    with translation.override(language):
        rows = [
            (_("Application number"), application.number),
            (_("Name"), application.full_name),
            (_("NIK"), masked_nik(application.nik)),
            (_("Passport"), f"{application.get_passport_type_display()}, {application.validity_years} {_('years')}"),
            (_("Office"), office.name),
            (_("Address"), office.address),
            (_("Date"), formats.date_format(slot.date, "l, j F Y")),
            (_("Session"), f"{slot.start_time:%H:%M}-{slot.end_time:%H:%M} {office.zone_abbreviation}"),
            (_("Booking code"), booking.code),
            (_("Billing code"), bill.code),
            (_("NTPN"), bill.payments.filter(outcome="applied").values_list("ntpn", flat=True).first() or "-"),
        ]
        title = _("Proof of passport application")
        notes = [
            _("Bring this proof and the original documents. Arrive 30 minutes before your session."),
            _("Show the QR code at the customer-service desk to get your queue number."),
        ]

    pdf = FPDF(format="A4")
    pdf.set_title(_latin1(title))
    pdf.set_creator("M-Paspor")
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.cell(0, 10, _latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 11)
    for label, value in rows:
        pdf.set_font("helvetica", "B", 11)
        pdf.cell(50, 8, _latin1(label))
        pdf.set_font("helvetica", "", 11)
        pdf.multi_cell(0, 8, _latin1(value), new_x="LMARGIN", new_y="NEXT")
    qr = io.BytesIO()
    qr_code(booking.code).save(qr, kind="png", scale=8, border=4)
    qr.seek(0)
    pdf.image(qr, x=150, y=30, w=45)
    pdf.ln(4)
    for note in notes:
        pdf.multi_cell(0, 6, _latin1(note), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def qr_code(code: str) -> segno.QRCode:
    """Always a full QR code: for short data segno would pick a Micro QR, which phone cameras
    and most desk scanners cannot read. The quiet zone is the standard four modules."""
    return segno.make_qr(code, error="m")


def qr_svg(code: str) -> str:
    return qr_code(code).svg_inline(scale=6, border=4)


def pdf_response(*, application, booking, bill):
    from django.http import HttpResponse
    from django.utils.translation import get_language

    response = HttpResponse(
        proof_pdf(application=application, booking=booking, bill=bill, language=get_language() or "id"),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'inline; filename="bukti-{application.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
